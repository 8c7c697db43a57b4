import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import {
  type DatasetManifest,
  ErrorCode,
  type SyntheticJobStatus,
  type SyntheticRecordList,
  type SyntheticRecordListParams,
} from '@synthwell/contracts';
import { JsonlDigest } from '@synthwell/synthetic/signing';
import type { FastifyReply } from 'fastify';
import type { Caller } from '../core/caller.js';
import { toListPage } from '../core/pagination.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ProvenanceService } from '../provenance/provenance.service.js';
import { type JobRow, JobStore } from './job-store.js';
import { toApiRecord } from './job-view.js';
import { JobsService } from './jobs.service.js';

const DEFAULT_PAGE = 100;
/** Records read per query while streaming JSONL. */
const EXPORT_PAGE = 500;
/** Statuses after which a job's records no longer change, so its export can be signed. */
const FINISHED: ReadonlySet<SyntheticJobStatus> = new Set(['succeeded', 'failed', 'canceled']);

/**
 * A job's records: pages of JSON, or every record as JSON Lines, with grade and provenance; and the
 * signed manifest of the JSON Lines export once the job has finished.
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly store: JobStore,
    private readonly provenance: ProvenanceService,
  ) {}

  async page(caller: Caller, id: string, params: SyntheticRecordListParams): Promise<SyntheticRecordList> {
    await this.jobs.row(caller, id);
    const limit = Number(params.limit ?? DEFAULT_PAGE);
    const rows = await this.store.records(id, afterSeq(params.cursor), limit + 1);
    return toListPage(rows, limit, toApiRecord, (row) => String(row.seq));
  }

  /**
   * Streams every record in seq order, one JSON object per line, reading the database a page at a time.
   * A finished job's download links to its manifest, which describes exactly these bytes.
   */
  async export(caller: Caller, id: string, reply: FastifyReply): Promise<void> {
    const job = await this.jobs.row(caller, id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${id}.jsonl"`,
      ...(FINISHED.has(job.status) ? { link: `</v1/synthetic/jobs/${id}/manifest>; rel="describedby"` } : {}),
    });
    try {
      for await (const piece of this.jsonl(id)) {
        if (res.destroyed) break;
        if (!res.write(piece)) await drained(res);
      }
    } finally {
      res.end();
    }
  }

  /**
   * The signed manifest of a finished job's JSONL export: the digest of the bytes `export` serves,
   * produced by the same serialisation. Signed with the job's finish time, so it is the same manifest
   * on every request (until the signing key rotates).
   */
  async manifest(caller: Caller, id: string): Promise<DatasetManifest> {
    const job = await this.jobs.row(caller, id);
    if (!FINISHED.has(job.status)) {
      throw GatewayError.conflict(
        `Synthetic job '${id}' is ${job.status}: its manifest is signed once the job has finished.`,
        ErrorCode.jobNotFinished,
      );
    }
    const digest = new JsonlDigest();
    for await (const piece of this.jsonl(id)) digest.update(piece);
    return this.provenance.signManifest(id, digest.digest(), finishedAt(job));
  }

  /** The JSON Lines export, a database page at a time: the one serialisation the download and its manifest share. */
  private async *jsonl(id: string): AsyncGenerator<string> {
    for (let after = -1; ; ) {
      const rows = await this.store.records(id, after, EXPORT_PAGE);
      if (rows.length > 0) yield rows.map((row) => `${JSON.stringify(toApiRecord(row))}\n`).join('');
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)?.seq ?? after;
    }
  }
}

function finishedAt(job: JobRow): Date {
  return job.finishedAt ?? job.createdAt;
}

/** The seq a page starts after: `cursor` is the previous page's `next_cursor`. */
function afterSeq(cursor: string | undefined): number {
  if (cursor === undefined) return -1;
  if (!/^\d{1,9}$/.test(cursor)) {
    throw GatewayError.badRequest(
      "Invalid 'cursor': pass the next_cursor of the previous page.",
      ErrorCode.invalidBody,
      'cursor',
    );
  }
  return Number(cursor);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
