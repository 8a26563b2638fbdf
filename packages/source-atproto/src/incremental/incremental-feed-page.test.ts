import type { AppBskyFeedDefs } from '@atproto/api';
import { describe, expect, it } from 'vitest';
import { advanceBookmark, AuthorFeedBookmarkError, parseAuthorFeedBookmark } from './feed-bookmark.js';
import type { AuthorFeedBookmark } from './feed-bookmark.js';
import { itemKey, itemTime } from './feed-item-order.js';
import { incrementalFeedPage } from './incremental-feed-page.js';

type FeedViewPost = AppBskyFeedDefs.FeedViewPost;

const ACTOR = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();

function post(rkey: string, minute: number, author = ACTOR): FeedViewPost {
  return {
    post: {
      uri: `at://${author}/app.bsky.feed.post/${rkey}`,
      cid: 'bafyreiaaaa',
      author: { did: author, handle: 'someone.test' },
      record: { $type: 'app.bsky.feed.post', text: rkey, createdAt: at(minute) },
      indexedAt: at(minute),
    },
  };
}
function repost(of: FeedViewPost, minute: number, rkey = 'r1'): FeedViewPost {
  return {
    ...of,
    reason: { $type: 'app.bsky.feed.defs#reasonRepost', by: { did: ACTOR, handle: 'actor.test' }, uri: `at://${ACTOR}/app.bsky.feed.repost/${rkey}`, indexedAt: at(minute) },
  };
}
function pinned(item: FeedViewPost): FeedViewPost {
  return { ...item, reason: { $type: 'app.bsky.feed.defs#reasonPin' } };
}
const bookmarkAt = (minute: number, ...keys: string[]): AuthorFeedBookmark => ({ version: 1, newest: at(minute), keysAtNewest: keys.sort() });
const uris = (page: { records: readonly FeedViewPost[] }) => page.records.map((item) => itemKey(item));

describe('feed item order', () => {
  it('times a repost by the repost and anything else by the post; keys a repost by its record', () => {
    const old = post('old', 1, OTHER);
    expect(itemTime(old)).toBe(Date.parse(at(1)));
    expect(itemTime(repost(old, 50))).toBe(Date.parse(at(50)));
    expect(itemTime(pinned(old))).toBe(Date.parse(at(1)));
    expect(itemKey(old)).toBe(old.post.uri);
    expect(itemKey(pinned(old))).toBe(old.post.uri);
    expect(itemKey(repost(old, 50))).toBe(`repost|at://${ACTOR}/app.bsky.feed.repost/r1|${old.post.uri}`);
    const unnamed = repost(old, 50);
    delete (unnamed.reason as { uri?: string }).uri;
    expect(itemKey(unnamed)).toBe(`repost|${ACTOR}|${old.post.uri}`);
  });
});

describe('incrementalFeedPage', () => {
  const feed = [post('p5', 5), post('p4', 4), post('p3', 3)];

  it('without a bookmark returns the page as served, with a bookmark on the first page only', () => {
    const first = incrementalFeedPage({ records: feed, cursor: 'c1' }, undefined, true);
    expect(first).toEqual({ records: feed, cursor: 'c1', bookmark: bookmarkAt(5, feed[0]!.post.uri) });
    expect(incrementalFeedPage({ records: feed, cursor: 'c2' }, undefined, false)).toEqual({ records: feed, cursor: 'c2' });
    expect(incrementalFeedPage({ records: [], cursor: undefined }, undefined, true)).toEqual({ records: [], cursor: undefined });
  });

  it('keeps the new items and stops paging at the first older one', () => {
    const page = incrementalFeedPage({ records: [post('p7', 7), post('p6', 6), ...feed], cursor: 'c1' }, bookmarkAt(5, feed[0]!.post.uri), true);
    expect(uris(page)).toEqual([post('p7', 7).post.uri, post('p6', 6).post.uri]);
    expect(page.cursor).toBeUndefined();
    expect(page.bookmark).toEqual(bookmarkAt(7, post('p7', 7).post.uri));
  });

  it('keeps paging while every item is new, and later pages carry no bookmark', () => {
    const page = incrementalFeedPage({ records: [post('p9', 9), post('p8', 8)], cursor: 'c2' }, bookmarkAt(5, 'x'), false);
    expect(page).toEqual({ records: [post('p9', 9), post('p8', 8)], cursor: 'c2' });
  });

  it('writes nothing and stops on the first page when nothing changed, keeping the bookmark', () => {
    const bookmark = bookmarkAt(5, feed[0]!.post.uri);
    expect(incrementalFeedPage({ records: feed, cursor: 'c1' }, bookmark, true)).toEqual({ records: [], cursor: undefined, bookmark });
  });

  it('tells apart items that share the bookmark\'s time by key, and does not stop at a seen one', () => {
    const a = post('a', 5);
    const b = post('b', 5);
    const c = post('c', 5);
    const bookmark = bookmarkAt(5, a.post.uri);
    const page = incrementalFeedPage({ records: [a, b, c, post('p4', 4)], cursor: 'c1' }, bookmark, true);
    expect(uris(page)).toEqual([b.post.uri, c.post.uri]);
    expect(page.cursor).toBeUndefined();
    expect(page.bookmark).toEqual(bookmarkAt(5, a.post.uri, b.post.uri, c.post.uri));
  });

  it('writes a repost of an old post, and the same post reposted again, as new items', () => {
    const old = post('old', 1, OTHER);
    const first = repost(old, 6, 'r1');
    const bookmark = bookmarkAt(6, itemKey(first));
    const again = repost(old, 6, 'r2');
    const page = incrementalFeedPage({ records: [again, first, ...feed], cursor: 'c1' }, bookmark, true);
    expect(uris(page)).toEqual([itemKey(again)]);
    expect(page.bookmark).toEqual(bookmarkAt(6, itemKey(first), itemKey(again)));
  });

  it('skips an old pinned post without stopping, and writes a new pinned post once', () => {
    const bookmark = bookmarkAt(5, feed[0]!.post.uri);
    const oldPin = pinned(post('p1', 1));
    const page = incrementalFeedPage({ records: [oldPin, post('p6', 6), ...feed], cursor: 'c1' }, bookmark, true);
    expect(uris(page)).toEqual([post('p6', 6).post.uri]);
    expect(page.bookmark).toEqual(bookmarkAt(6, post('p6', 6).post.uri));

    const newPin = pinned(post('p7', 7));
    const next = incrementalFeedPage({ records: [newPin, post('p8', 8), post('p6', 6), ...feed], cursor: 'c1' }, page.bookmark as AuthorFeedBookmark, true);
    expect(next.records).toEqual([newPin, post('p8', 8)]);
    expect(next.bookmark).toEqual(bookmarkAt(8, post('p8', 8).post.uri));
  });

  it('counts a pinned post in the bookmark, so its unpinned entry is not new later', () => {
    const pin = pinned(post('p9', 9));
    const page = incrementalFeedPage({ records: [pin, ...feed], cursor: undefined }, bookmarkAt(5, feed[0]!.post.uri), true);
    expect(page.records).toEqual([pin]);
    const later = incrementalFeedPage({ records: [post('p9', 9), ...feed], cursor: undefined }, page.bookmark as AuthorFeedBookmark, true);
    expect(later.records).toEqual([]);
  });
});

describe('the bookmark', () => {
  it('advances to the latest time, merging keys at an equal time and ignoring older items', () => {
    const previous = bookmarkAt(5, 'k1');
    expect(advanceBookmark(previous, [post('p4', 4)])).toEqual(previous);
    expect(advanceBookmark(previous, [post('p5', 5)])).toEqual(bookmarkAt(5, 'k1', post('p5', 5).post.uri));
    expect(advanceBookmark(previous, [post('p4', 4), post('p6', 6)])).toEqual(bookmarkAt(6, post('p6', 6).post.uri));
    expect(advanceBookmark(undefined, [])).toBeUndefined();
  });

  it('normalises the time to UTC with milliseconds', () => {
    const item = post('p', 0);
    (item.post as { indexedAt: string }).indexedAt = '2025-01-01T01:00:00.123456+01:00';
    expect(advanceBookmark(undefined, [item])?.newest).toBe('2025-01-01T00:00:00.123Z');
  });

  it('refuses a bookmark it did not write, saying how to start over', () => {
    expect(parseAuthorFeedBookmark(undefined)).toBeUndefined();
    expect(parseAuthorFeedBookmark(bookmarkAt(5, 'k'))).toEqual(bookmarkAt(5, 'k'));
    for (const foreign of [42, null, 'x', { version: 2, newest: at(1), keysAtNewest: [] }, { version: 1, newest: 'soon', keysAtNewest: [] }, { version: 1, newest: at(1) }]) {
      expect(() => parseAuthorFeedBookmark(foreign)).toThrow(AuthorFeedBookmarkError);
    }
    expect(() => parseAuthorFeedBookmark(7)).toThrow(/not an atproto.authorFeed bookmark \(version 1\): 7; run `etl state reset <pipeline> <partition>`/);
  });
});
