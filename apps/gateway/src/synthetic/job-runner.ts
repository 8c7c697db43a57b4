import { Inject, Injectable } from '@nestjs/common';
import type { SyntheticMetrics, SyntheticVerdict } from '@synthwell/contracts';
import type { SyntheticJob } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import {
  createLlmJudge,
  type DuplicateLookup,
  type SyntheticRecord as EngineRecord,
  type JobCheckpoint,
  type JobProgress,
  type Judge,
  type RejectionCounts,
  recordToText,
  runSyntheticJob,
  type SyntheticJobSpec,
} from '@synthwell/synthetic';
import { AuthService } from '../auth/auth.service.js';
import { type CatalogModel, CatalogService } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { UsageLedger } from '../metering/usage-ledger.js';
import { resolveModel } from '../policy/model-access.js';
import { RouterService } from '../router/router.service.js';
import type { JobEvents } from './events/job-events.js';
import { HumanReference } from './human-reference.js';
import { engineSpec, nearDuplicateOptions, type StoredJobSpec } from './job-spec.js';
import { type JobError, JobStore } from './job-store.js';
import { measure } from './metrics.js';
import { PreviousRecordsIndex } from './previous-records-index.js';
import { type JobExecutor, WorkerShutdown } from './queue/job-queue.js';
import { type JobOwner, RecordQuota } from './record-quota.js';
import { routedChat, UpstreamBackoff } from './routed-chat.js';
import { JOB_EVENTS } from './tokens.js';

type LoadedJob = SyntheticJob & { stored: StoredJobSpec };

/** Thrown into a running job when its owner cancels it. */
class JobCancelled extends Error {
  constructor() {
    super('The job was cancelled.');
    this.name = 'JobCancelled';
  }
}

/** One run of one job: what it needs and how far it got. */
interface Run {
  job: LoadedJob;
  owner: JobOwner;
  spec: SyntheticJobSpec;
  stop: AbortController;
  /** Records committed so far (the job's `kept`). */
  kept: number;
}

/**
 * Runs a claimed job with the engine: resumes from its checkpoint, commits each batch's records with
 * the checkpoint after them, counts kept records against the daily quota as they are committed,
 * publishes progress, honours cancellation between batches (and aborts calls in flight), and
 * finishes with metrics and a verdict against human text.
 */
@Injectable()
export class JobRunner implements JobExecutor {
  constructor(
    private readonly store: JobStore,
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly ledger: UsageLedger,
    private readonly quota: RecordQuota,
    private readonly auth: AuthService,
    private readonly reference: HumanReference,
    @Inject(JOB_EVENTS) private readonly events: JobEvents,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(jobId: string, signal: AbortSignal): Promise<'finished' | 'interrupted'> {
    const job = await this.store.load(jobId);
    if (job?.status !== 'running') return 'finished';
    const stop = new AbortController();
    const relay = () => stop.abort(signal.reason);
    signal.addEventListener('abort', relay, { once: true });
    if (signal.aborted) relay();
    const unsubscribe = await this.events.subscribe(jobId, (event) => {
      if (event.type === 'cancel_requested') stop.abort(new JobCancelled());
    });
    if (job.cancelRequestedAt) stop.abort(new JobCancelled());
    const run: Run = {
      job,
      owner: { userId: job.userId, apiKeyId: job.stored.summary.api_key_id },
      spec: engineSpec(job.id, job.stored, job.requested),
      stop,
      kept: job.kept,
    };
    try {
      return await this.execute(run);
    } catch (error) {
      if (stop.signal.reason instanceof WorkerShutdown) return 'interrupted';
      this.logger.error({ err: error, jobId }, 'synthetic job failed');
      await this.end(run, 'failed', { error: { code: 'internal_error', message: 'The job failed unexpectedly.' } });
      return 'finished';
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', relay);
    }
  }

  private async execute(run: Run): Promise<'finished' | 'interrupted'> {
    const { job, spec, stop } = run;
    const models = await this.models(run);
    if ('code' in models) {
      await this.end(run, 'failed', { error: models });
      return 'finished';
    }
    const backoff = new UpstreamBackoff();
    const chat = (model: CatalogModel) =>
      routedChat({
        router: this.router,
        ledger: this.ledger,
        config: this.config,
        model,
        owner: run.owner,
        jobId: job.id,
        backoff,
        signal: stop.signal,
      });
    const judge: Judge = models.judge
      ? createLlmJudge({ chat: chat(models.judge), name: job.stored.summary.judge })
      : this.reference.offlineJudge();
    const checkpoint = job.checkpoint as JobCheckpoint | null;
    const resume = checkpoint
      ? { checkpoint, records: await this.store.keptRecords(job.id, checkpoint.next_seq) }
      : undefined;
    const externalIndex = job.stored.params.dedup?.against_previous_jobs ? await this.previousRecords(job) : undefined;

    let batch: EngineRecord[] = [];
    const events = runSyntheticJob(
      spec,
      { chat: chat(models.generator), judge, externalIndex },
      { signal: stop.signal, resume },
    );
    for await (const event of events) {
      if (event.type === 'record') {
        batch.push(event.record);
      } else if (event.type === 'progress') {
        const step = await this.commit(run, batch, event.checkpoint, event.progress);
        batch = [];
        if (step === 'stale') return 'finished';
        if (step === 'quota_exhausted') {
          await this.end(run, 'failed', {
            progress: event.progress,
            error: {
              code: 'quota_exceeded',
              message: `Today's synthetic-records quota ran out after ${run.kept} records; they stay downloadable. The quota resets at 00:00 UTC.`,
            },
          });
          return 'finished';
        }
        if (step === 'cancel') stop.abort(new JobCancelled());
      } else if (event.outcome === 'cancelled') {
        if (stop.signal.reason instanceof WorkerShutdown) return 'interrupted';
        await this.end(run, 'canceled', { progress: event.progress });
        return 'finished';
      } else {
        await this.complete(run, event.progress);
        return 'finished';
      }
    }
    return 'finished';
  }

  /** The generator and judge, checked against the owner's plan as it is now (it may have changed). */
  private async models(run: Run): Promise<{ generator: CatalogModel; judge: CatalogModel | null } | JobError> {
    const { summary } = run.job.stored;
    const caller = { ...run.owner, role: 'user' as const, plan: await this.auth.planFor(run.owner.userId) };
    try {
      return {
        generator: resolveModel(this.catalog, caller, summary.model, 'chat'),
        judge: summary.judge_model ? resolveModel(this.catalog, caller, summary.judge_model, 'chat') : null,
      };
    } catch (error) {
      if (error instanceof GatewayError) return { code: error.code ?? 'model_unavailable', message: error.message };
      throw error;
    }
  }

  /**
   * Commits one batch: takes its records from today's quota (a batch the quota cannot hold is cut to
   * what is left, and the job then ends), writes them with the checkpoint, and publishes progress.
   */
  private async commit(
    run: Run,
    batch: readonly EngineRecord[],
    checkpoint: JobCheckpoint,
    progress: JobProgress,
  ): Promise<'ok' | 'cancel' | 'stale' | 'quota_exhausted'> {
    const granted = batch.length > 0 ? await this.quota.take(run.owner, batch.length) : 0;
    const kept = batch.slice(0, granted);
    const committedCheckpoint = { ...checkpoint, next_seq: checkpoint.next_seq - (batch.length - granted) };
    const result = await this.store.commitBatch({ id: run.job.id, task: run.spec.task }, kept, committedCheckpoint);
    if (!result.committed) {
      await this.quota.refund(run.owner, granted);
      return 'stale';
    }
    run.kept = committedCheckpoint.next_seq;
    await this.events.publish(run.job.id, { type: 'progress', progress: { ...progress, kept: run.kept } });
    if (granted < batch.length) return 'quota_exhausted';
    return result.cancelRequested ? 'cancel' : 'ok';
  }

  private async complete(run: Run, progress: JobProgress): Promise<void> {
    if (run.kept === 0) {
      await this.end(run, 'failed', {
        progress,
        error: {
          code: 'no_records',
          message: `No attempt produced a record good enough to keep (${describeRejections(progress.rejected)}).`,
        },
      });
      return;
    }
    const records = await this.store.keptRecords(run.job.id, run.kept);
    const texts = records.map((record) => recordToText(run.spec.task, record.data));
    await this.end(run, 'succeeded', { progress, result: measure(texts, this.reference.referenceTexts()) });
  }

  /**
   * Ends the job. Its records are metered first, on one usage record whose request id is the job's id,
   * so a job finished twice (a worker that died after metering) still counts its records once.
   */
  private async end(
    run: Run,
    status: 'succeeded' | 'failed' | 'canceled',
    details: {
      progress?: JobProgress;
      result?: { metrics: SyntheticMetrics; verdict: SyntheticVerdict };
      error?: JobError;
    },
  ): Promise<void> {
    const { job } = run;
    if (run.kept > 0) {
      this.ledger.record({
        requestId: job.id,
        userId: job.userId,
        apiKeyId: run.owner.apiKeyId,
        feature: 'synthetic',
        model: job.stored.summary.model,
        provider: null,
        promptTokens: 0,
        completionTokens: 0,
        images: 0,
        records: run.kept,
        latencyMs: Date.now() - (job.startedAt ?? job.createdAt).getTime(),
        status: 200,
        outcome: status,
        createdAt: new Date(),
      });
    }
    if (await this.store.finish(job.id, { status, ...details })) {
      await this.events.publish(job.id, { type: 'finished', status });
    }
  }

  private async previousRecords(job: LoadedJob): Promise<DuplicateLookup> {
    const records = await this.store.previousRecordTexts(job.userId, job.id);
    return new PreviousRecordsIndex(records, nearDuplicateOptions(job.stored.params.dedup));
  }
}

function describeRejections(rejected: RejectionCounts): string {
  const parts = Object.entries(rejected)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${reason.replaceAll('_', ' ')}`);
  return parts.length > 0 ? `rejected: ${parts.join(', ')}` : 'no attempts were made';
}
