import type { $Typed, AppBskyActorDefs, AppBskyFeedDefs } from '@atproto/api';
import type { SyntheticActor, SyntheticPost } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';

export type { DatasetIndex } from './dataset-index.js';
export { indexDataset } from './dataset-index.js';

export function profileViewBasic(actor: SyntheticActor): AppBskyActorDefs.ProfileViewBasic {
  return { did: actor.did, handle: actor.handle, displayName: actor.displayName, createdAt: actor.createdAt };
}

export function profileViewDetailed(actor: SyntheticActor): AppBskyActorDefs.ProfileViewDetailed {
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

export function feedViewPost(index: DatasetIndex, post: SyntheticPost): AppBskyFeedDefs.FeedViewPost {
  const reply = post.record.reply;
  if (reply === undefined) return { post: postView(index, post) };
  return {
    post: postView(index, post),
    reply: { root: replySubject(index, reply.root.uri), parent: replySubject(index, reply.parent.uri) },
  };
}

function replySubject(
  index: DatasetIndex,
  uri: string,
): $Typed<AppBskyFeedDefs.PostView> | $Typed<AppBskyFeedDefs.NotFoundPost> {
  const post = index.postByUri(uri);
  return post ? postView(index, post) : { $type: 'app.bsky.feed.defs#notFoundPost', uri, notFound: true };
}
