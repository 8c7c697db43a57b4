/** A page of a cursor-paged list, in the shape every `/v1` listing answers with. */
export interface ListPage<Item> {
  object: 'list';
  data: Item[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Turns rows read with `take: limit + 1` into a page: the extra row only says there is more, and the
 * next page starts after the last row shown.
 */
export function toListPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): ListPage<Item> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  return {
    object: 'list',
    data: page.map(toItem),
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? cursorOf(last) : null,
  };
}
