import type {
  SyntheticJob,
  SyntheticJobCreateParams,
  SyntheticJobList,
  SyntheticLabParams,
  SyntheticLabResult,
  SyntheticRecordList,
} from '@synthwell/contracts';
import { gateway } from '../../lib/gateway';

// The SDK's synthetic types are still open records; these wrappers give the pages the contracts' types
// until the SDK takes them over (packages/sdk/src/resources/synthetic.ts).

export function createJob(params: SyntheticJobCreateParams): Promise<SyntheticJob> {
  return gateway.synthetic.jobs.create(params) as Promise<SyntheticJob>;
}

export function listJobs(signal?: AbortSignal): Promise<SyntheticJobList> {
  return gateway.synthetic.jobs.list({ limit: 50 }, signal ? { signal } : undefined) as Promise<SyntheticJobList>;
}

export function retrieveJob(id: string, signal?: AbortSignal): Promise<SyntheticJob> {
  return gateway.synthetic.jobs.retrieve(id, signal ? { signal } : undefined) as Promise<SyntheticJob>;
}

export function cancelJob(id: string): Promise<SyntheticJob> {
  return gateway.synthetic.jobs.cancel(id) as Promise<SyntheticJob>;
}

export function listRecords(id: string, limit: number, signal?: AbortSignal): Promise<SyntheticRecordList> {
  return gateway.synthetic.jobs.records(id, { limit }, signal ? { signal } : undefined) as Promise<SyntheticRecordList>;
}

/** Every record of a job as JSON Lines, read from the gateway's streaming download. */
export async function downloadJsonl(id: string): Promise<Blob> {
  const lines: string[] = [];
  for await (const record of await gateway.synthetic.jobs.records(id, { format: 'jsonl' }))
    lines.push(JSON.stringify(record));
  return new Blob([lines.length ? `${lines.join('\n')}\n` : ''], { type: 'application/x-ndjson' });
}

export function runLab(params: SyntheticLabParams): Promise<SyntheticLabResult> {
  return gateway.synthetic.lab(params) as Promise<SyntheticLabResult>;
}
