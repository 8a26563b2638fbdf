import type { AppBskyFeedDefs } from '@atproto/api';
import { AuthorFeedBookmarkError } from './feed-bookmark-error.js';
import { itemKey, itemTime } from './feed-item-order.js';

export { AuthorFeedBookmarkError } from './feed-bookmark-error.js';

/**
 * What an incremental `atprotoAuthorFeed` task remembers for the next run of its pipeline × partition: the
 * latest item time it has seen and which items carry exactly that time (times are not unique, so the time
 * alone cannot tell a seen item from a new one that shares it).
 */
export interface AuthorFeedBookmark {
  readonly version: 1;
  /** The latest item time seen (ISO 8601, UTC, milliseconds): `reason.indexedAt` of a repost, else `post.indexedAt`. */
  readonly newest: string;
  /** Item keys (see `itemKey`) of the items seen whose time is exactly `newest`, sorted. */
  readonly keysAtNewest: readonly string[];
}

/** The bookmark the core handed back (undefined the first time and in snapshot mode), checked. */
export function parseAuthorFeedBookmark(value: unknown): AuthorFeedBookmark | undefined {
  if (value === undefined) return undefined;
  const candidate = value as Partial<Record<keyof AuthorFeedBookmark, unknown>> | null;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.version === 1 &&
    typeof candidate.newest === 'string' &&
    !Number.isNaN(Date.parse(candidate.newest)) &&
    Array.isArray(candidate.keysAtNewest) &&
    candidate.keysAtNewest.every((key) => typeof key === 'string');
  if (!valid) throw new AuthorFeedBookmarkError(value);
  return value as AuthorFeedBookmark;
}

/** How an item compares with what the bookmark has seen. */
export type ItemAge = 'new' | 'seen-at-newest' | 'older';

/**
 * New: later than `newest`, or at exactly `newest` but not among the items seen there. An unparseable time
 * counts as older: writing it again on every run would be worse than leaving it to a snapshot.
 */
export function ageOf(item: AppBskyFeedDefs.FeedViewPost, bookmark: AuthorFeedBookmark, newestMs = Date.parse(bookmark.newest)): ItemAge {
  const time = itemTime(item);
  if (Number.isNaN(time) || time < newestMs) return 'older';
  if (time > newestMs) return 'new';
  return bookmark.keysAtNewest.includes(itemKey(item)) ? 'seen-at-newest' : 'new';
}

/** The bookmark after seeing `items` too: the later time wins; at an equal time the keys add up. */
export function advanceBookmark(
  previous: AuthorFeedBookmark | undefined,
  items: readonly AppBskyFeedDefs.FeedViewPost[],
): AuthorFeedBookmark | undefined {
  let newestMs = previous ? Date.parse(previous.newest) : -Infinity;
  let keys = new Set(previous?.keysAtNewest ?? []);
  for (const item of items) {
    const time = itemTime(item);
    if (Number.isNaN(time) || time < newestMs) continue;
    if (time > newestMs) {
      newestMs = time;
      keys = new Set();
    }
    keys.add(itemKey(item));
  }
  if (newestMs === -Infinity) return previous;
  return { version: 1, newest: new Date(newestMs).toISOString(), keysAtNewest: [...keys].sort() };
}
