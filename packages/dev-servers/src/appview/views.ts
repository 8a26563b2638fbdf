import type { $Typed, AppBskyActorDefs, AppBskyFeedDefs } from '@atproto/api';
import type { SyntheticActor, SyntheticPost } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';
import type { ServedFeedItem } from './author-feed.js';
import type { SyntheticRepost } from './feed-items.js';

export type { DatasetIndex } from './dataset-index.js';
export { indexDataset } from './dataset-index.js';

export function profileViewBasic(actor: SyntheticActor): AppBskyActorDefs.ProfileViewBasic {
  return { did: actor.did, handle: actor.handle, displayName: actor.displayName, createdAt: actor.createdAt };
}

/** `pinned`: the actor's pinned post, named (as a strong ref) like the real AppView does. */
export function profileViewDetailed(actor: SyntheticActor, pinned?: SyntheticPost): AppBskyActorDefs.ProfileViewDetailed {
  return {
    did: actor.did,
    handle: actor.handle,
    displayName: actor.displayName,
    createdAt: actor.createdAt,
    description: actor.description,
    postsCount: actor.posts.length,
    followersCount: actor.posts.length * 3,
    followsCount: actor.posts.length % 50,
    indexedAt: actor.createdAt,
    ...(pinned ? { pinnedPost: { uri: pinned.uri, cid: pinned.cid } } : {}),
  };
}

export function postView(index: DatasetIndex, post: SyntheticPost): $Typed<AppBskyFeedDefs.PostView> {
  const author = index.actorByDid(post.authorDid);
  if (author === undefined) throw new Error(`dataset has no actor ${post.authorDid}`);
  return {
    $type: 'app.bsky.feed.defs#postView',
    uri: post.uri,
    cid: post.cid,
    author: profileViewBasic(author),
    record: post.record,
    replyCount: post.replyCount,
    repostCount: post.repostCount,
    likeCount: post.likeCount,
    quoteCount: 0,
    indexedAt: post.indexedAt,
    labels: [],
  };
}

/** The FeedViewPost of an author-feed item: a repost gets its #reasonRepost, the pinned post #reasonPin. */
export function feedViewPost(index: DatasetIndex, item: ServedFeedItem): AppBskyFeedDefs.FeedViewPost {
  const { post, repost } = item;
  const reason = item.pinned ? reasonPin() : repost ? reasonRepost(index, repost) : undefined;
  const reply = post.record.reply;
  return {
    post: postView(index, post),
    ...(reply ? { reply: { root: replySubject(index, reply.root.uri), parent: replySubject(index, reply.parent.uri) } } : {}),
    ...(reason ? { reason } : {}),
  };
}

function reasonPin(): $Typed<AppBskyFeedDefs.ReasonPin> {
  return { $type: 'app.bsky.feed.defs#reasonPin' };
}

/** As the real AppView names it: the reposter, the repost record, and when the repost was indexed. */
function reasonRepost(index: DatasetIndex, repost: SyntheticRepost): $Typed<AppBskyFeedDefs.ReasonRepost> {
  const by = index.actorByDid(repost.authorDid);
  if (by === undefined) throw new Error(`dataset has no actor ${repost.authorDid}`);
  return { $type: 'app.bsky.feed.defs#reasonRepost', by: profileViewBasic(by), uri: repost.uri, cid: repost.cid, indexedAt: repost.indexedAt };
}

function replySubject(
  index: DatasetIndex,
  uri: string,
): $Typed<AppBskyFeedDefs.PostView> | $Typed<AppBskyFeedDefs.NotFoundPost> {
  const post = index.postByUri(uri);
  return post ? postView(index, post) : { $type: 'app.bsky.feed.defs#notFoundPost', uri, notFound: true };
}
