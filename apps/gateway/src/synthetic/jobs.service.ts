import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  ErrorType,
  type SyntheticJob,
  SyntheticJobCreateParams,
  type SyntheticJobList,
  SyntheticJobListParams,
} from '@synthwell/contracts';
import { newId, Prisma } from '@synthwell/db';
import { sha256Hex, stableStringify } from '@synthwell/synthetic';
import type { FastifyReply } from 'fastify';
import { CatalogService } from '../catalog/catalog.service.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { resolveModel } from '../policy/model-access.js';
import { formatReset, PolicyService } from '../policy/policy.service.js';
import { SafetyService } from '../safety/safety.service.js';
import type { JobEvents } from './events/job-events.js';
import { isJobId, jobInputProblem, jsonSchemaProblem } from './job-input.js';
import { assertRunnable, OFFLINE_JUDGE_NAME, type StoredJobSpec, seedGuidance, threshold } from './job-spec.js';
import { type JobRow, JobStore } from './job-store.js';
import { toApiJob } from './job-view.js';
import type { JobQueue } from './queue/job-queue.js';
import { RecordQuota } from './record-quota.js';
import { JOB_EVENTS, JOB_QUEUE } from './tokens.js';

const DEFAULT_PAGE = 20;
const MAX_IDEMPOTENCY_KEY = 255;

/** Submitting, reading and cancelling jobs; running them is the queue's and the runner's job. */
@Injectable()
export class JobsService {
  constructor(
    private readonly store: JobStore,
    private readonly catalog: CatalogService,
    private readonly policy: PolicyService,
    private readonly quota: RecordQuota,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(JOB_EVENTS) private readonly events: JobEvents,
    private readonly safety: SafetyService,
  ) {}

  /**
   * Validates and queues a job. The same Idempotency-Key returns the job it created (even once today's
   * quota is spent); the same key with a different body is a 409. The job's records must fit in what
   * today's quota has left after the caller's queued and running jobs, else 429 (or, with
   * `truncate_to_quota`, the job keeps only that many).
   */
  async create(
    caller: Caller,
    body: unknown,
    idempotencyKey: string | undefined,
    reply: FastifyReply,
  ): Promise<SyntheticJob> {
    const params = parseBody(SyntheticJobCreateParams, body);
    const problem =
      jobInputProblem(params) ?? (params.task === 'json_schema' ? jsonSchemaProblem(params.json_schema) : null);
    if (problem) {
      throw GatewayError.badRequest(
        `Invalid '${problem.path}': ${problem.message}.`,
        ErrorCode.invalidBody,
        problem.path,
      );
    }
    const key = checkIdempotencyKey(idempotencyKey);
    const requestHash = sha256Hex(stableStringify(params));
    if (key) {
      const existing = await this.store.findByIdempotencyKey(caller.userId, key);
      if (existing) return replay(existing, requestHash);
    }
    resolveModel(this.catalog, caller, params.model, 'chat');
    if (params.judge_model) this.resolveJudge(caller, params.judge_model);
    assertRunnable(params);
    // Seeds go through the content policy like prompts do: a blocked category refuses the job (400).
    await this.safety.checkSeeds(
      caller,
      reply.request.id,
      (params.seeds ?? []).map((seed) => JSON.stringify(seed.data)),
    );
    await this.policy.admit(caller, { feature: 'synthetic', tokens: 0, units: 0 }, reply);
    const count = await this.admissibleCount(caller, params);

    const id = newId('job');
    const spec: StoredJobSpec = {
      params,
      summary: {
        model: params.model,
        judge_model: params.judge_model ?? null,
        judge: params.judge_model ? `llm:${params.judge_model}` : OFFLINE_JUDGE_NAME,
        requested_count: params.count,
        threshold: threshold(params),
        seed: params.seed ?? Math.floor(Math.random() * 2 ** 31),
        request_hash: requestHash,
        api_key_id: caller.apiKeyId,
        mixing_guidance: seedGuidance(params),
      },
    };
    const priority = caller.plan.queuePriority;
    try {
      await this.store.create({ id, userId: caller.userId, spec, count, priority, idempotencyKey: key });
    } catch (error) {
      // Two requests raced with one key: the loser answers like a retry.
      if (!(key && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
      const winner = await this.store.findByIdempotencyKey(caller.userId, key);
      if (!winner) throw error;
      return replay(winner, requestHash);
    }
    await this.queue.enqueue({ id, priority });
    return toApiJob(await this.row(caller, id));
  }

  async retrieve(caller: Caller, id: string): Promise<SyntheticJob> {
    return toApiJob(await this.row(caller, id));
  }

  async list(caller: Caller, query: unknown): Promise<SyntheticJobList> {
    const params = parseBody(SyntheticJobListParams, query);
    if (params.cursor !== undefined && !isJobId(params.cursor)) {
      throw GatewayError.badRequest(
        "Invalid 'cursor': pass the next_cursor of the previous page.",
        ErrorCode.invalidBody,
        'cursor',
      );
    }
    const { rows, hasMore } = await this.store.list(caller.userId, {
      limit: params.limit ?? DEFAULT_PAGE,
      cursor: params.cursor,
      status: params.status,
    });
    const now = Date.now();
    return {
      object: 'list',
      data: rows.map((row) => toApiJob(row, now)),
      has_more: hasMore,
      next_cursor: hasMore ? (rows.at(-1)?.id ?? null) : null,
    };
  }

  /** A queued job is canceled at once; a running one stops at its next batch, aborting calls in flight. */
  async cancel(caller: Caller, id: string): Promise<SyntheticJob> {
    await this.row(caller, id);
    const outcome = await this.store.requestCancel(id);
    if (outcome === 'canceled') await this.events.publish(id, { type: 'finished', status: 'canceled' });
    if (outcome === 'requested') await this.events.publish(id, { type: 'cancel_requested' });
    return toApiJob(await this.row(caller, id));
  }

  /** The caller's job, or 404: another account's job is answered exactly like one that does not exist. */
  async row(caller: Caller, id: string): Promise<JobRow> {
    if (!isJobId(id)) throw GatewayError.notFound('No synthetic job with this id exists.');
    const row = await this.store.find(caller.userId, id);
    if (!row) throw GatewayError.notFound(`No synthetic job '${id}' exists.`);
    return row;
  }

  private resolveJudge(caller: Caller, model: string): void {
    try {
      resolveModel(this.catalog, caller, model, 'chat');
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      throw new GatewayError(error.status, error.type, error.code, error.message, 'judge_model');
    }
  }

  private async admissibleCount(caller: Caller, params: SyntheticJobCreateParams): Promise<number> {
    const [standing, reserved] = await Promise.all([
      this.quota.standing(caller),
      this.store.outstandingRecords(caller.userId),
    ]);
    const available = Math.max(0, standing.remaining - reserved);
    if (params.count <= available) return params.count;
    if (params.truncate_to_quota && available > 0) return available;
    const held = reserved > 0 ? ` (${reserved} more are set aside for your queued and running jobs)` : '';
    throw new GatewayError(
      429,
      ErrorType.quota,
      ErrorCode.quotaExceeded,
      `This job asks for ${params.count} records, but only ${available} of today's ${standing.limit} synthetic records ` +
        `are left on the ${caller.plan.name} plan${held}. Lower count, set truncate_to_quota to keep what is left, ` +
        `or wait for the reset at 00:00 UTC (in ${formatReset(standing.resetMs)}).`,
      'count',
      { 'retry-after': String(Math.max(1, Math.ceil(standing.resetMs / 1000))) },
    );
  }
}

function checkIdempotencyKey(key: string | undefined): string | null {
  if (key === undefined) return null;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
    throw GatewayError.badRequest(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters.`);
  }
  return key;
}

function replay(existing: JobRow, requestHash: string): SyntheticJob {
  if (existing.summary.request_hash !== requestHash) {
    throw GatewayError.conflict(
      `This Idempotency-Key was already used for job ${existing.id} with a different request body.`,
      ErrorCode.idempotencyConflict,
    );
  }
  return toApiJob(existing);
}
