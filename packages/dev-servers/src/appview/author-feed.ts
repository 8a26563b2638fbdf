import type { SyntheticActor, SyntheticPost } from './dataset.js';
import { feedPosition } from './feed-items.js';
import type { FeedItem } from './feed-items.js';
import { keysetPage } from './keyset-page.js';

export { MalformedCursorError } from './keyset-page.js';

export interface AuthorFeedQuery {
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly filter: string;
  /** The actor's pinned post, when the caller asked for pins (`includePins`). */
  readonly pinned?: SyntheticPost | undefined;
}

/** An item as served: `pinned` for the pinned post on top of the first page (its reason is #reasonPin). */
export interface ServedFeedItem extends FeedItem {
  readonly pinned?: boolean;
}

export interface AuthorFeedPage {
  readonly items: readonly ServedFeedItem[];
  readonly cursor: string | undefined;
}

/**
 * Pages an actor's feed items (newest first) as the real AppView does: the cursor (`<ms>::<cid>`) names the
 * last item served, so a last partial page still carries one and the page after it is empty, without one.
 *
 * Pins follow the real getAuthorFeed too: only the first page (no cursor) gets the pinned post on top, and
 * that page drops the post's own entry; a later page that reaches the post serves it again, unpinned. The
 * cursor is the one of the page without the pin, and the pin ignores the filter.
 */
export function authorFeedPage(actor: SyntheticActor, items: readonly FeedItem[], query: AuthorFeedQuery): AuthorFeedPage {
  const matching = items.filter((item) => matchesFilter(actor, item, query.filter));
  const page = keysetPage(matching, query, feedPosition);
  const pinned = query.pinned;
  if (query.cursor !== undefined || pinned === undefined) return page;
  return { items: [{ post: pinned, pinned: true }, ...page.items.filter((item) => item.post.uri !== pinned.uri)], cursor: page.cursor };
}

/** The real AppView's filters: reposts count as posts, except in the media and video feeds (own posts only). */
function matchesFilter(actor: SyntheticActor, item: FeedItem, filter: string): boolean {
  const reply = item.post.record.reply;
  switch (filter) {
    case 'posts_no_replies':
      return item.repost !== undefined || reply === undefined;
    case 'posts_and_author_threads':
      return item.repost !== undefined || reply === undefined || reply.parent.uri.startsWith(`at://${actor.did}/`);
    case 'posts_with_media':
    case 'posts_with_video':
      // The synthetic posts carry no images or videos.
      return false;
    default:
      return true;
  }
}
