import type { AppBskyFeedRepost } from '@atproto/api';
import type { SyntheticPost } from './dataset.js';
import type { SyntheticRecord } from './graph-dataset.js';

/** A repost record (app.bsky.feed.repost) of some post, and when the AppView indexed it. */
export interface SyntheticRepost extends SyntheticRecord<AppBskyFeedRepost.Record> {
  readonly indexedAt: string;
}

/** One entry of an author feed: the actor's own post, or someone's post that the actor reposted. */
export interface FeedItem {
  readonly post: SyntheticPost;
  readonly repost?: SyntheticRepost | undefined;
}

/**
 * Where an item sits in an author feed, as the real AppView keys it: its sortAt (the earlier of the record's
 * createdAt and indexedAt; here always createdAt, since the fixture indexes after creation) and the CID of
 * the feed item's record (the repost's for a repost).
 */
export function feedPosition(item: FeedItem): { readonly ms: number; readonly key: string } {
  return item.repost
    ? { ms: Date.parse(item.repost.value.createdAt), key: item.repost.cid }
    : { ms: Date.parse(item.post.record.createdAt), key: item.post.cid };
}

/** Newest first by (sortAt, CID), the order the AppView's keyset cursor pages in. */
export function newestFirst(a: FeedItem, b: FeedItem): number {
  const x = feedPosition(a);
  const y = feedPosition(b);
  return y.ms - x.ms || (x.key < y.key ? 1 : x.key > y.key ? -1 : 0);
}
