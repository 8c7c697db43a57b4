import { Inject, Injectable } from '@nestjs/common';
import type { SyntheticJob } from '@synthwell/contracts';
import type { FastifyReply } from 'fastify';
import type { GatewayConfig } from '../config/env.js';
import type { Caller } from '../core/caller.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';
import { SseWriter } from '../streaming/sse.js';
import type { JobEvent, JobEvents } from './events/job-events.js';
import { toApiJob } from './job-view.js';
import { JobsService } from './jobs.service.js';
import { JOB_EVENTS } from './tokens.js';

/** How often a follower re-reads the job without being told to, in case an event went missing. */
const RECHECK_MS = 5_000;

const FINAL_EVENTS: Partial<Record<SyntheticJob['status'], string>> = {
  succeeded: 'done',
  failed: 'failed',
  canceled: 'canceled',
};

/**
 * `GET /v1/synthetic/jobs/{id}/events`: the job's current progress first (so a late subscriber sees
 * where it is), a `progress` event per committed batch, then `done`, `failed` or `canceled` with the
 * job itself, then `data: [DONE]`. It subscribes before reading the job, so nothing falls in between.
 */
@Injectable()
export class ProgressStream {
  constructor(
    private readonly jobs: JobsService,
    @Inject(JOB_EVENTS) private readonly events: JobEvents,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async follow(caller: Caller, id: string, reply: FastifyReply): Promise<void> {
    await this.jobs.row(caller, id);
    const inbox = new Inbox();
    const unsubscribe = await this.events.subscribe(id, (event) => inbox.push(event));
    const closed = new AbortController();
    reply.raw.once('close', () => closed.abort());
    reply.hijack();
    const sse = new SseWriter(reply.raw, this.config.SSE_KEEPALIVE_MS);
    try {
      sse.open(reply.getHeaders() as Record<string, string>);
      let job = toApiJob(await this.jobs.row(caller, id));
      sse.send(job.progress, 'progress');
      let generated = job.progress.generated;
      while (!FINAL_EVENTS[job.status]) {
        const event = await inbox.next(RECHECK_MS, closed.signal);
        if (closed.signal.aborted || sse.closed) return;
        if (event?.type === 'progress') {
          if (event.progress.generated > generated) {
            sse.send(event.progress, 'progress');
            generated = event.progress.generated;
          }
          continue;
        }
        job = toApiJob(await this.jobs.row(caller, id));
        if (job.progress.generated > generated && !FINAL_EVENTS[job.status]) {
          sse.send(job.progress, 'progress');
          generated = job.progress.generated;
        }
      }
      sse.send(job, FINAL_EVENTS[job.status]);
      sse.done();
    } finally {
      unsubscribe();
      sse.end();
    }
  }
}

/** Events waiting for the stream, handed out one at a time. */
class Inbox {
  private readonly events: JobEvent[] = [];
  private wake: (() => void) | null = null;

  push(event: JobEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  /** The next event; null when `timeoutMs` passed or `signal` aborted first. */
  async next(timeoutMs: number, signal: AbortSignal): Promise<JobEvent | null> {
    const ready = this.events.shift();
    if (ready || signal.aborted) return ready ?? null;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
    return this.events.shift() ?? null;
  }
}
