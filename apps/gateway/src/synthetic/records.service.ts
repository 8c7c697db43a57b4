import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ErrorCode, type SyntheticRecordList, type SyntheticRecordListParams } from '@synthwell/contracts';
import type { FastifyReply } from 'fastify';
import type { Caller } from '../core/caller.js';
import { GatewayError } from '../errors/gateway-error.js';
import { JobStore } from './job-store.js';
import { toApiRecord } from './job-view.js';
import { JobsService } from './jobs.service.js';

const DEFAULT_PAGE = 100;
/** Records read per query while streaming JSONL. */
const EXPORT_PAGE = 500;

/** A job's records: pages of JSON, or every record as JSON Lines. Either way with grade and provenance. */
@Injectable()
export class RecordsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly store: JobStore,
  ) {}

  async page(caller: Caller, id: string, params: SyntheticRecordListParams): Promise<SyntheticRecordList> {
    await this.jobs.row(caller, id);
    const limit = Number(params.limit ?? DEFAULT_PAGE);
    const rows = await this.store.records(id, afterSeq(params.cursor), limit + 1);
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return {
      object: 'list',
      data: page.map(toApiRecord),
      has_more: hasMore,
      next_cursor: hasMore ? String(page.at(-1)?.seq) : null,
    };
  }

  /** Streams every record in seq order, one JSON object per line, reading the database a page at a time. */
  async export(caller: Caller, id: string, reply: FastifyReply): Promise<void> {
    await this.jobs.row(caller, id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${id}.jsonl"`,
    });
    try {
      for (let after = -1; !res.destroyed; ) {
        const rows = await this.store.records(id, after, EXPORT_PAGE);
        if (rows.length > 0 && !res.write(rows.map((row) => `${JSON.stringify(toApiRecord(row))}\n`).join(''))) {
          await drained(res);
        }
        if (rows.length < EXPORT_PAGE) break;
        after = rows.at(-1)?.seq ?? after;
      }
    } finally {
      res.end();
    }
  }
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
