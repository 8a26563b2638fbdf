import type { AppBskyActorDefs, AppBskyGraphDefs } from '@atproto/api';
import type { SyntheticActor } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';
import type { SyntheticList, SyntheticStarterPack } from './graph-dataset.js';
import { profileViewBasic } from './views.js';

/** How many list members a starter pack view samples, as the real AppView does. */
const STARTER_PACK_SAMPLE = 12;

/** A ProfileView; with a viewer (an authenticated request), its relationship to the viewer as well. */
export function profileView(index: DatasetIndex, actor: SyntheticActor, viewerDid?: string): AppBskyActorDefs.ProfileView {
  return {
    did: actor.did,
    handle: actor.handle,
    displayName: actor.displayName,
    description: actor.description,
    createdAt: actor.createdAt,
    indexedAt: actor.createdAt,
    labels: [],
    ...(viewerDid === undefined ? {} : { viewer: viewerState(index, actor, viewerDid) }),
  };
}

function viewerState(index: DatasetIndex, actor: SyntheticActor, viewerDid: string): AppBskyActorDefs.ViewerState {
  const following = index.followsBy(viewerDid).find((follow) => follow.value.subject === actor.did);
  const followedBy = index.followsBy(actor.did).find((follow) => follow.value.subject === viewerDid);
  const blocking = index.block(viewerDid, actor.did);
  return {
    muted: false,
    blockedBy: index.block(actor.did, viewerDid) !== undefined,
    ...(blocking ? { blocking: blocking.uri } : {}),
    ...(following ? { following: following.uri } : {}),
    ...(followedBy ? { followedBy: followedBy.uri } : {}),
  };
}

export function listView(index: DatasetIndex, list: SyntheticList, viewerDid?: string): AppBskyGraphDefs.ListView {
  return {
    uri: list.uri,
    cid: list.cid,
    creator: profileView(index, requireActor(index, list.authorDid), viewerDid),
    name: list.value.name,
    purpose: list.value.purpose,
    ...(list.value.description === undefined ? {} : { description: list.value.description }),
    listItemCount: list.items.length,
    labels: [],
    indexedAt: indexedAt(list.createdMs),
  };
}

export function listViewBasic(list: SyntheticList): AppBskyGraphDefs.ListViewBasic {
  return {
    uri: list.uri,
    cid: list.cid,
    name: list.value.name,
    purpose: list.value.purpose,
    listItemCount: list.items.length,
    labels: [],
    indexedAt: indexedAt(list.createdMs),
  };
}

export function listItemView(index: DatasetIndex, item: SyntheticList['items'][number], viewerDid?: string): AppBskyGraphDefs.ListItemView {
  return { uri: item.uri, subject: profileView(index, requireActor(index, item.value.subject), viewerDid) };
}

export function starterPackView(index: DatasetIndex, pack: SyntheticStarterPack, viewerDid?: string): AppBskyGraphDefs.StarterPackView {
  const list = index.listByUri(pack.value.list);
  return {
    uri: pack.uri,
    cid: pack.cid,
    record: pack.value,
    creator: profileViewBasic(requireActor(index, pack.authorDid)),
    ...(list
      ? {
          list: listViewBasic(list),
          listItemsSample: list.items.slice(0, STARTER_PACK_SAMPLE).map((item) => listItemView(index, item, viewerDid)),
        }
      : {}),
    joinedWeekCount: 0,
    joinedAllTimeCount: 0,
    labels: [],
    indexedAt: indexedAt(pack.createdMs),
  };
}

// Indexed a couple of seconds after creation, like a real AppView catching up with the firehose.
function indexedAt(createdMs: number): string {
  return new Date(createdMs + 2_000).toISOString();
}

function requireActor(index: DatasetIndex, did: string): SyntheticActor {
  const actor = index.actorByDid(did);
  if (actor === undefined) throw new Error(`dataset has no actor ${did}`);
  return actor;
}
