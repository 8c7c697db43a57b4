import type { ImageList } from '@synthwell/sdk';
import { useInfiniteQuery } from '@tanstack/react-query';
import { gateway } from '../../lib/gateway';

/** Images per page of the gallery. */
export const GALLERY_PAGE_SIZE = 24;

export const galleryKey = ['gateway', 'images'] as const;

/** The caller's images from the gateway, newest first, a page at a time. */
export function useGallery() {
  return useInfiniteQuery({
    queryKey: galleryKey,
    queryFn: ({ pageParam, signal }) =>
      gateway.images.list({ limit: GALLERY_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }, { signal }),
    initialPageParam: '',
    getNextPageParam: (page: ImageList) => page.next_cursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.data),
    // Signed links expire (an hour by default); listing again signs them afresh.
    staleTime: 5 * 60_000,
  });
}
