/** A cursor this server did not hand out; answered 400 InvalidRequest, as the real AppView does. */
export class MalformedCursorError extends Error {}

export interface KeysetPage<T> {
  readonly items: readonly T[];
  readonly cursor: string | undefined;
}

/**
 * Pages items that are already sorted newest first by (ms, key), the way the real AppView pages graph
 * views: the cursor (`<ms>::<key>`) names the last item served, so a last partial page still carries one and
 * the page after it is empty, without one.
 */
export function keysetPage<T>(
  items: readonly T[],
  query: { readonly limit: number; readonly cursor: string | undefined },
  position: (item: T) => { readonly ms: number; readonly key: string },
): KeysetPage<T> {
  const after = query.cursor === undefined ? undefined : parseCursor(query.cursor);
  const start = after === undefined ? 0 : items.findIndex((item) => isAfter(position(item), after));
  const page = start < 0 ? [] : items.slice(start, start + query.limit);
  const last = page.at(-1);
  return { items: page, cursor: last === undefined ? undefined : cursorOf(position(last)) };
}

function cursorOf(position: { ms: number; key: string }): string {
  return `${position.ms}::${position.key}`;
}

function parseCursor(cursor: string): { ms: number; key: string } {
  const [ms, key, ...rest] = cursor.split('::');
  if (ms === undefined || key === undefined || rest.length > 0 || !/^\d+$/.test(ms)) throw new MalformedCursorError('Malformed cursor');
  return { ms: Number(ms), key };
}

function isAfter(item: { ms: number; key: string }, cursor: { ms: number; key: string }): boolean {
  return item.ms < cursor.ms || (item.ms === cursor.ms && item.key < cursor.key);
}
