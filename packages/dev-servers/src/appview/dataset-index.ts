import type { Dataset, SyntheticActor, SyntheticPost } from './dataset.js';
import type { SyntheticBlock, SyntheticFollow, SyntheticList, SyntheticRecord, SyntheticStarterPack } from './graph-dataset.js';

/** Lookups the handlers and views need; built once per server from a dataset. */
export interface DatasetIndex {
  readonly dataset: Dataset;
  actorByDid(did: string): SyntheticActor | undefined;
  actorByHandle(handle: string): SyntheticActor | undefined;
  /** A handle or a DID. */
  findActor(actor: string): SyntheticActor | undefined;
  postByUri(uri: string): SyntheticPost | undefined;
  /** Follow records whose author is `did`, newest first. */
  followsBy(did: string): readonly SyntheticFollow[];
  /** Follow records whose subject is `did`, newest first. */
  followsOf(did: string): readonly SyntheticFollow[];
  listByUri(uri: string): SyntheticList | undefined;
  starterPackByUri(uri: string): SyntheticStarterPack | undefined;
  /** The block record of `blocker` against `subject`, if any. */
  block(blocker: string, subject: string): SyntheticBlock | undefined;
  /** Every record of one collection in an actor's repo, oldest rkey first. */
  records(did: string, collection: string): readonly SyntheticRecord[];
  /** A record created while the server runs (see live-feeds.ts): listed in its repo; a post is found by URI too. */
  addRecord(record: SyntheticRecord, post?: SyntheticPost): void;
}

export function indexDataset(dataset: Dataset): DatasetIndex {
  const follows = dataset.follows ?? [];
  const lists = dataset.lists ?? [];
  const starterPacks = dataset.starterPacks ?? [];
  const blocks = dataset.blocks ?? [];

  const byDid = new Map(dataset.actors.map((actor) => [actor.did, actor]));
  const byHandle = new Map(dataset.actors.map((actor) => [actor.handle.toLowerCase(), actor]));
  const byUri = new Map(dataset.actors.flatMap((actor) => actor.posts.map((post) => [post.uri, post] as const)));
  const followsBy = groupBy(follows, (follow) => follow.authorDid);
  const followsOf = groupBy(follows, (follow) => follow.value.subject);
  const listsByUri = new Map(lists.map((list) => [list.uri, list]));
  const packsByUri = new Map(starterPacks.map((pack) => [pack.uri, pack]));
  const blocksByPair = new Map(blocks.map((block) => [`${block.authorDid} ${block.value.subject}`, block]));
  const repos = indexRepos(dataset);

  return {
    dataset,
    actorByDid: (did) => byDid.get(did),
    actorByHandle: (handle) => byHandle.get(handle.toLowerCase()),
    findActor: (actor) => (actor.startsWith('did:') ? byDid.get(actor) : byHandle.get(actor.toLowerCase())),
    postByUri: (uri) => byUri.get(uri),
    followsBy: (did) => followsBy.get(did) ?? [],
    followsOf: (did) => followsOf.get(did) ?? [],
    listByUri: (uri) => listsByUri.get(uri),
    starterPackByUri: (uri) => packsByUri.get(uri),
    block: (blocker, subject) => blocksByPair.get(`${blocker} ${subject}`),
    records: (did, collection) => repos.get(`${did} ${collection}`) ?? [],
    addRecord: (record, post) => {
      if (post) byUri.set(post.uri, post);
      const key = `${record.authorDid} ${record.value.$type}`;
      const repo = repos.get(key) ?? [];
      repos.set(key, [...repo, record].sort(byRkey));
    },
  };
}

/** Every actor's repo as listRecords serves it: posts, follows, lists, list items, starter packs, blocks. */
function indexRepos(dataset: Dataset): Map<string, SyntheticRecord[]> {
  const all: SyntheticRecord[] = [
    ...dataset.actors.flatMap((actor) =>
      actor.posts.map((post) => ({
        uri: post.uri,
        cid: post.cid,
        rkey: post.uri.slice(post.uri.lastIndexOf('/') + 1),
        authorDid: post.authorDid,
        value: post.record,
        createdMs: Date.parse(post.record.createdAt),
      })),
    ),
    ...(dataset.follows ?? []),
    ...(dataset.lists ?? []).flatMap((list) => [list, ...list.items]),
    ...(dataset.starterPacks ?? []),
    ...(dataset.blocks ?? []),
  ];
  const repos = groupBy(all, (record) => `${record.authorDid} ${record.value.$type}`);
  for (const records of repos.values()) records.sort(byRkey);
  return repos;
}

function byRkey(a: SyntheticRecord, b: SyntheticRecord): number {
  return a.rkey < b.rkey ? -1 : a.rkey > b.rkey ? 1 : 0;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
