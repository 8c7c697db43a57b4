import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  type DatasetManifest,
  type SyntheticJob,
  type SyntheticJobList,
  type SyntheticRecordList,
  SyntheticRecordListParams,
} from '@synthwell/contracts';
import type { FastifyReply } from 'fastify';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { JobsService } from './jobs.service.js';
import { ProgressStream } from './progress-stream.js';
import { RecordsService } from './records.service.js';

const JSON_LINES = 'application/x-ndjson';

/** Synthetic-data jobs: submit, list, read, follow, download and cancel. */
@Controller('v1/synthetic/jobs')
@UseGuards(AuthGuard)
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly progress: ProgressStream,
    private readonly recordsService: RecordsService,
  ) {}

  @Post()
  @HttpCode(200)
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SyntheticJob> {
    return this.jobs.create(caller, body, idempotencyKey, reply);
  }

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<SyntheticJobList> {
    return this.jobs.list(caller, query);
  }

  @Get(':id')
  retrieve(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<SyntheticJob> {
    return this.jobs.retrieve(caller, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<SyntheticJob> {
    return this.jobs.cancel(caller, id);
  }

  @Get(':id/events')
  async events(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.progress.follow(caller, id, reply);
  }

  @Get(':id/records')
  async records(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query() query: unknown,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SyntheticRecordList | undefined> {
    const params = parseBody(SyntheticRecordListParams, query);
    const format = params.format ?? (accept?.includes(JSON_LINES) ? 'jsonl' : 'json');
    if (format === 'json') return this.recordsService.page(caller, id, params);
    await this.recordsService.export(caller, id, reply);
    return undefined;
  }

  @Get(':id/manifest')
  manifest(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<DatasetManifest> {
    return this.recordsService.manifest(caller, id);
  }
}
