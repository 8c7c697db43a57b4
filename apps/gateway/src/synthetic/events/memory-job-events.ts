import { EventEmitter } from 'node:events';
import type { JobEvent, JobEventListener, JobEvents } from './job-events.js';

/** The embedded default: events stay in this process, which is also the only one running jobs. */
export class MemoryJobEvents implements JobEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(jobId: string, event: JobEvent): Promise<void> {
    this.emitter.emit(jobId, event);
  }

  async subscribe(jobId: string, listener: JobEventListener): Promise<() => void> {
    this.emitter.on(jobId, listener);
    return () => {
      this.emitter.off(jobId, listener);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
