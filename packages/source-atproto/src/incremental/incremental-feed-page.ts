import type { AppBskyFeedDefs } from '@atproto/api';
import type { SourcePage } from '@etl/core';
import { advanceBookmark, ageOf } from './feed-bookmark.js';
import type { AuthorFeedBookmark } from './feed-bookmark.js';
import { isPinned } from './feed-item-order.js';

type FeedViewPost = AppBskyFeedDefs.FeedViewPost;

/**
 * One getAuthorFeed page, read against the bookmark of the last successful run.
 *
 * Without a bookmark (the first incremental run, and snapshot mode, where the core passes none) the page is
 * returned as served. With one, only new items are kept, and paging stops (no cursor) at the first item
 * strictly older than the bookmark's time: the feed is newest first, so nothing new lies beyond it. Two kinds
 * of item do not stop paging: the pinned post, which sits on top whatever its age (written only if new), and
 * a seen item at exactly the bookmark's time, since items sharing a time come in no particular order.
 *
 * The first page (no cursor) carries the new bookmark. It is computed from that page alone: new items
 * appear on top, so later pages hold only older ones and the core keeps this one (the last returned).
 */
export function incrementalFeedPage(
  page: SourcePage<FeedViewPost>,
  bookmark: AuthorFeedBookmark | undefined,
  firstPage: boolean,
): SourcePage<FeedViewPost> {
  const next = firstPage ? advanceBookmark(bookmark, page.records) : undefined;
  const withBookmark = (records: readonly FeedViewPost[], cursor: string | undefined): SourcePage<FeedViewPost> => ({
    records,
    cursor,
    ...(next === undefined ? {} : { bookmark: next }),
  });
  if (bookmark === undefined) return withBookmark(page.records, page.cursor);

  const newestMs = Date.parse(bookmark.newest);
  const fresh: FeedViewPost[] = [];
  for (const item of page.records) {
    const age = ageOf(item, bookmark, newestMs);
    if (age === 'new') fresh.push(item);
    else if (age === 'older' && !isPinned(item)) return withBookmark(fresh, undefined);
  }
  return withBookmark(fresh, page.cursor);
}
