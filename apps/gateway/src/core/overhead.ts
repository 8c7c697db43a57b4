/** The gateway's own time so far, in ms: elapsed since the request arrived minus time spent waiting on upstreams. */
export function overheadMs(request: { startedAt?: bigint | undefined; upstreamMs?: number | undefined }): number {
  const elapsed = request.startedAt ? Number(process.hrtime.bigint() - request.startedAt) / 1e6 : 0;
  return Math.max(0, elapsed - (request.upstreamMs ?? 0));
}
