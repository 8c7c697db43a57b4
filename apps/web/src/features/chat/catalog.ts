import { useQuery } from '@tanstack/react-query';
import { gateway } from '../../lib/gateway';
import { gatewayKeys } from '../../lib/gateway-queries';

/**
 * The whole model catalog, each model marked available for the caller's plan or not. Under the models
 * key, so refreshing the models after an upgrade refreshes this too.
 */
export function useModelCatalog() {
  return useQuery({
    queryKey: [...gatewayKeys.models, 'catalog'],
    queryFn: ({ signal }) => gateway.models.list({ include: 'locked' }, { signal }),
    select: (list) => list.data,
    staleTime: 30_000,
  });
}
