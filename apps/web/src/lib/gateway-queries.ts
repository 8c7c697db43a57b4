import type { ModelKind } from '@synthwell/sdk';
import { useQuery } from '@tanstack/react-query';
import { gateway } from './gateway';

/** Query keys of gateway data, so pages can refresh them after a call that changes them. */
export const gatewayKeys = {
  models: ['gateway', 'models'] as const,
  usage: ['gateway', 'usage'] as const,
  jobs: ['gateway', 'synthetic', 'jobs'] as const,
};

/** The models the caller's plan includes, of one kind. */
export function useModels(kind: ModelKind) {
  return useQuery({
    queryKey: gatewayKeys.models,
    queryFn: ({ signal }) => gateway.models.list({ signal }),
    select: (list) => list.data.filter((model) => model.kind === kind),
    staleTime: 30_000,
  });
}

/** The caller's plan and today's usage against its quotas, live from the gateway's limiter. */
export function useUsageSummary() {
  return useQuery({ queryKey: gatewayKeys.usage, queryFn: ({ signal }) => gateway.usage.retrieve({ signal }) });
}
