import type { AppBskyFeedPost, AppBskyFeedRepost } from '@atproto/api';
import type { SyntheticActor, SyntheticPost } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';
import { newestFirst } from './feed-items.js';
import type { FeedItem, SyntheticRepost } from './feed-items.js';
import { cidOf, tid } from './identifiers.js';

export interface NewPostOptions {
  readonly text?: string;
  /** Default: one minute after the newest time the fixture knows (the dataset's or an earlier change's). */
  readonly createdAt?: string;
  /** When the AppView indexed it, i.e. `post.indexedAt`. Default: one second after `createdAt`. */
  readonly indexedAt?: string;
}

export interface NewRepostOptions {
  /** Default as for a new post. */
  readonly createdAt?: string;
  /** `reason.indexedAt` of the feed item. Default: one second after `createdAt`. */
  readonly indexedAt?: string;
}

/**
 * What changes while the server runs, as if actors used the app between two reads: new posts, reposts and
 * pins. Tests of incremental reads use it; the generated dataset itself stays as it was. Author feeds,
 * getProfile's `pinnedPost`, listRecords and reply/repost lookups see the changes; search and profile counts
 * see only the dataset.
 */
export class LiveFeeds {
  private readonly added = new Map<string, FeedItem[]>();
  private readonly pins = new Map<string, SyntheticPost>();
  private clockMs: number;
  private clockId = 0;
  private created = 0;

  constructor(private readonly index: DatasetIndex) {
    let newest = 0;
    for (const actor of index.dataset.actors) for (const post of actor.posts) newest = Math.max(newest, Date.parse(post.indexedAt));
    this.clockMs = newest;
  }

  /** The actor's author-feed items, newest first: the dataset's posts plus what was added since. */
  feedOf(actor: SyntheticActor): readonly FeedItem[] {
    const own = actor.posts.map((post): FeedItem => ({ post }));
    const added = this.added.get(actor.did);
    return added ? [...own, ...added].sort(newestFirst) : own;
  }

  pinnedOf(actor: SyntheticActor): SyntheticPost | undefined {
    return this.pins.get(actor.did);
  }

  addPost(actor: string, options: NewPostOptions = {}): SyntheticPost {
    const author = this.actor(actor);
    const { createdMs, indexedAt } = this.times(options);
    const record: AppBskyFeedPost.Record = {
      $type: 'app.bsky.feed.post',
      text: options.text ?? `live post ${++this.created} by ${author.handle}`,
      langs: ['en'],
      createdAt: new Date(createdMs).toISOString(),
    };
    const rkey = this.rkey(createdMs);
    const post: SyntheticPost = {
      uri: `at://${author.did}/app.bsky.feed.post/${rkey}`,
      cid: cidOf(new TextEncoder().encode(JSON.stringify({ rkey, record }))),
      authorDid: author.did,
      record,
      indexedAt,
      likeCount: 0,
      repostCount: 0,
      replyCount: 0,
    };
    this.index.addRecord({ uri: post.uri, cid: post.cid, rkey, authorDid: author.did, value: record, createdMs }, post);
    this.push(author, { post });
    return post;
  }

  /** `actor` reposts the post at `postUri` (anyone's): a feed item ordered by the repost's own time. */
  repost(actor: string, postUri: string, options: NewRepostOptions = {}): SyntheticRepost {
    const reposter = this.actor(actor);
    const post = this.post(postUri);
    const { createdMs, indexedAt } = this.times(options);
    const value: AppBskyFeedRepost.Record = {
      $type: 'app.bsky.feed.repost',
      subject: { uri: post.uri, cid: post.cid },
      createdAt: new Date(createdMs).toISOString(),
    };
    const rkey = this.rkey(createdMs);
    const repost: SyntheticRepost = {
      uri: `at://${reposter.did}/app.bsky.feed.repost/${rkey}`,
      cid: cidOf(new TextEncoder().encode(JSON.stringify({ rkey, value }))),
      rkey,
      authorDid: reposter.did,
      value,
      createdMs,
      indexedAt,
    };
    this.index.addRecord(repost);
    this.push(reposter, { post, repost });
    return repost;
  }

  /** Pins one of the actor's own posts (the only kind the AppView shows pinned), or unpins with undefined. */
  pin(actor: string, postUri: string | undefined): void {
    const owner = this.actor(actor);
    if (postUri === undefined) {
      this.pins.delete(owner.did);
      return;
    }
    const post = this.post(postUri);
    if (post.authorDid !== owner.did) throw new RangeError(`LiveFeeds.pin: ${postUri} is not a post of ${owner.handle}`);
    this.pins.set(owner.did, post);
  }

  private push(actor: SyntheticActor, item: FeedItem): void {
    const list = this.added.get(actor.did) ?? [];
    list.push(item);
    this.added.set(actor.did, list);
  }

  private actor(actor: string): SyntheticActor {
    const found = this.index.findActor(actor);
    if (found === undefined) throw new RangeError(`LiveFeeds: no actor ${actor} in the dataset`);
    return found;
  }

  private post(uri: string): SyntheticPost {
    const post = this.index.postByUri(uri);
    if (post === undefined) throw new RangeError(`LiveFeeds: no post ${uri}`);
    return post;
  }

  /** Explicit times as given; otherwise a clock a minute past everything so far, so new items come out on top. */
  private times(options: { readonly createdAt?: string; readonly indexedAt?: string }): { createdMs: number; indexedAt: string } {
    const createdMs = options.createdAt === undefined ? this.clockMs + 60_000 : Date.parse(options.createdAt);
    if (Number.isNaN(createdMs)) throw new RangeError(`LiveFeeds: createdAt ${options.createdAt} is not a datetime`);
    const indexedAt = options.indexedAt ?? new Date(createdMs + 1_000).toISOString();
    this.clockMs = Math.max(this.clockMs, createdMs, Date.parse(indexedAt));
    return { createdMs, indexedAt };
  }

  private rkey(createdMs: number): string {
    return tid(createdMs * 1_000, this.clockId++);
  }
}
