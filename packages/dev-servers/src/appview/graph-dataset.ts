import type { AppBskyGraphBlock, AppBskyGraphFollow, AppBskyGraphList, AppBskyGraphListitem, AppBskyGraphStarterpack } from '@atproto/api';
import { cidOf, tid } from './identifiers.js';
import { createPrng } from './prng.js';
import type { Prng } from './prng.js';

/** The account states an AppView or PDS reports instead of an actor's data. */
export type AccountStatus = 'deactivated' | 'takendown';

/** A list to generate: its owner and members by actor index; members are added oldest first in this order. */
export interface ListSpec {
  readonly owner: number;
  readonly members: readonly number[];
  readonly name?: string;
  /** Default `curatelist`; starter packs point at `referencelist`s. */
  readonly purpose?: 'curatelist' | 'modlist' | 'referencelist';
}

/** A starter pack to generate: its owner and the list (index into `lists`) it points at. */
export interface StarterPackSpec {
  readonly owner: number;
  readonly list: number;
  readonly name?: string;
}

/** The social graph part of `GenerateDatasetOptions`; every actor is named by its index. */
export interface GraphSpec {
  /** `follows[i]` lists the actors actor i follows, oldest follow first. */
  readonly follows?: readonly (readonly number[])[];
  readonly lists?: readonly ListSpec[];
  readonly starterPacks?: readonly StarterPackSpec[];
  /** `[blocker, subject]` pairs. */
  readonly blocks?: readonly (readonly [number, number])[];
  readonly accountStatus?: Readonly<Record<number, AccountStatus>>;
}

/** A record of some actor's repo, as com.atproto.repo.listRecords returns it, plus its timestamp. */
export interface SyntheticRecord<V = { $type: string }> {
  readonly uri: string;
  readonly cid: string;
  readonly rkey: string;
  readonly authorDid: string;
  readonly value: V;
  readonly createdMs: number;
}

export type SyntheticFollow = SyntheticRecord<AppBskyGraphFollow.Record>;
export type SyntheticBlock = SyntheticRecord<AppBskyGraphBlock.Record>;
export type SyntheticListItem = SyntheticRecord<AppBskyGraphListitem.Record>;

export interface SyntheticList extends SyntheticRecord<AppBskyGraphList.Record> {
  /** Newest first, as app.bsky.graph.getList lists them. */
  readonly items: readonly SyntheticListItem[];
}

export type SyntheticStarterPack = SyntheticRecord<AppBskyGraphStarterpack.Record>;

export interface SyntheticGraph {
  /** Every follow record, newest first. */
  readonly follows: readonly SyntheticFollow[];
  readonly lists: readonly SyntheticList[];
  readonly starterPacks: readonly SyntheticStarterPack[];
  readonly blocks: readonly SyntheticBlock[];
}

// Graph records are dated after every post, a few minutes apart, so that their order is total and stable.
const GRAPH_EPOCH_MS = Date.UTC(2025, 0, 20, 0, 0, 0);
// A separate stream: adding graph options must leave the posts of a seed exactly as they were.
const GRAPH_SEED_SALT = 0x67a9e5;

const PURPOSES = {
  curatelist: 'app.bsky.graph.defs#curatelist',
  modlist: 'app.bsky.graph.defs#modlist',
  referencelist: 'app.bsky.graph.defs#referencelist',
} as const;

export function generateGraph(seed: number, dids: readonly string[], spec: GraphSpec): SyntheticGraph {
  const prng = createPrng(seed ^ GRAPH_SEED_SALT);
  const clock = { ms: GRAPH_EPOCH_MS };
  const did = (index: number, what: string): string => {
    const value = dids[index];
    if (value === undefined) throw new RangeError(`generateDataset: ${what} names actor ${index}, but there are ${dids.length} actors`);
    return value;
  };

  const follows: SyntheticFollow[] = [];
  (spec.follows ?? []).forEach((followed, follower) => {
    for (const subject of followed) {
      if (subject === follower) throw new RangeError(`generateDataset: actor ${follower} cannot follow itself`);
      follows.push(record<AppBskyGraphFollow.Record>(prng, clock, did(follower, 'follows'), 'app.bsky.graph.follow', (createdAt) => ({
        $type: 'app.bsky.graph.follow',
        subject: did(subject, 'follows'),
        createdAt,
      })));
    }
  });

  const lists = (spec.lists ?? []).map((list, index): SyntheticList => {
    const owner = did(list.owner, 'lists');
    const made = record<AppBskyGraphList.Record>(prng, clock, owner, 'app.bsky.graph.list', (createdAt) => ({
      $type: 'app.bsky.graph.list',
      purpose: PURPOSES[list.purpose ?? 'curatelist'],
      name: list.name ?? `Synthetic list ${index + 1}`,
      description: 'A generated list of synthetic test accounts.',
      createdAt,
    }));
    const items = list.members.map((member) =>
      record<AppBskyGraphListitem.Record>(prng, clock, owner, 'app.bsky.graph.listitem', (createdAt) => ({
        $type: 'app.bsky.graph.listitem',
        subject: did(member, 'lists'),
        list: made.uri,
        createdAt,
      })),
    );
    return { ...made, items: items.reverse() };
  });

  const starterPacks = (spec.starterPacks ?? []).map((pack, index): SyntheticStarterPack => {
    const list = lists[pack.list];
    if (list === undefined) throw new RangeError(`generateDataset: starter pack ${index} names list ${pack.list}, but there are ${lists.length} lists`);
    return record<AppBskyGraphStarterpack.Record>(prng, clock, did(pack.owner, 'starterPacks'), 'app.bsky.graph.starterpack', (createdAt) => ({
      $type: 'app.bsky.graph.starterpack',
      name: pack.name ?? `Synthetic starter pack ${index + 1}`,
      description: 'Synthetic test accounts to follow.',
      list: list.uri,
      createdAt,
    }));
  });

  const blocks = (spec.blocks ?? []).map(([blocker, subject]) =>
    record<AppBskyGraphBlock.Record>(prng, clock, did(blocker, 'blocks'), 'app.bsky.graph.block', (createdAt) => ({
      $type: 'app.bsky.graph.block',
      subject: did(subject, 'blocks'),
      createdAt,
    })),
  );

  return { follows: follows.reverse(), lists, starterPacks, blocks };
}

function record<V extends { $type: string }>(
  prng: Prng,
  clock: { ms: number },
  authorDid: string,
  collection: string,
  build: (createdAt: string) => V,
): SyntheticRecord<V> {
  clock.ms += prng.int(60, 900) * 1_000;
  const value = build(new Date(clock.ms).toISOString());
  const rkey = tid(clock.ms * 1_000 + prng.int(0, 999), prng.int(0, 1_023));
  return {
    uri: `at://${authorDid}/${collection}/${rkey}`,
    cid: cidOf(new TextEncoder().encode(JSON.stringify(value))),
    rkey,
    authorDid,
    value,
    createdMs: clock.ms,
  };
}
