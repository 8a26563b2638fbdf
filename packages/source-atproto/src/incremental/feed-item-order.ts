import { AppBskyFeedDefs } from '@atproto/api';

type FeedViewPost = AppBskyFeedDefs.FeedViewPost;

/** The pinned post getAuthorFeed puts on top of the first page (`includePins`), whatever its age. */
export function isPinned(item: FeedViewPost): boolean {
  return AppBskyFeedDefs.isReasonPin(item.reason);
}

/**
 * When the item entered the actor's feed: a repost when it was reposted (`reason.indexedAt`), anything else
 * when the post was (`post.indexedAt`). The AppView orders the feed by (about) this time, newest first.
 * Milliseconds since the epoch; NaN if unparseable, which lexicon validation of every response rules out.
 */
export function itemTime(item: FeedViewPost): number {
  const reason = item.reason;
  return Date.parse(AppBskyFeedDefs.isReasonRepost(reason) ? reason.indexedAt : item.post.indexedAt);
}

/**
 * What makes an item the same item in two reads. A repost is the repost record (or, from an AppView that does
 * not name it, the reposter) of that post: the same post reposted again is a new item. Anything else is the
 * post, so a post and its pinned copy are one item.
 */
export function itemKey(item: FeedViewPost): string {
  const reason = item.reason;
  if (!AppBskyFeedDefs.isReasonRepost(reason)) return item.post.uri;
  return `repost|${reason.uri ?? reason.by.did}|${item.post.uri}`;
}
