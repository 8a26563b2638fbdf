import type { AppBskyFeedPost } from '@atproto/api';
import { generateGraph } from './graph-dataset.js';
import type { AccountStatus, GraphSpec, SyntheticBlock, SyntheticFollow, SyntheticList, SyntheticStarterPack } from './graph-dataset.js';
import { cidOf, syntheticDid, tid } from './identifiers.js';
import { createPrng } from './prng.js';
import type { Prng } from './prng.js';
import { syntheticNames, syntheticText } from './text.js';

export interface SyntheticPost {
  readonly uri: string;
  readonly cid: string;
  readonly authorDid: string;
  readonly record: AppBskyFeedPost.Record;
  readonly indexedAt: string;
  readonly likeCount: number;
  readonly repostCount: number;
  readonly replyCount: number;
}

export interface SyntheticActor {
  readonly did: string;
  readonly handle: string;
  readonly displayName: string;
  readonly description: string;
  readonly createdAt: string;
  /** Newest first, as an author feed lists them. */
  readonly posts: readonly SyntheticPost[];
  /** Absent for an active account. */
  readonly status?: AccountStatus;
}

/** The graph fields are absent in hand-made datasets; the server reads them as empty. */
export interface Dataset {
  readonly seed: number;
  readonly actors: readonly SyntheticActor[];
  /** Every follow record, newest first. */
  readonly follows?: readonly SyntheticFollow[];
  readonly lists?: readonly SyntheticList[];
  readonly starterPacks?: readonly SyntheticStarterPack[];
  readonly blocks?: readonly SyntheticBlock[];
}

export interface GenerateDatasetOptions extends GraphSpec {
  readonly seed: number;
  /** Number of actors; may be left out when `postsPerActor` is a list (its length is used). */
  readonly actors?: number;
  /** Posts for every actor, or one count per actor (e.g. `[0, 1, 100, 101, 250]`). */
  readonly postsPerActor: number | readonly number[];
}

// A fixed "now" keeps datasets identical whatever day they are generated on.
const NEWEST_POST_MS = Date.UTC(2025, 0, 15, 12, 0, 0);
const REPLY_PROBABILITY = 0.15;

interface PlannedPost {
  readonly actor: number;
  readonly createdMs: number;
}

export function generateDataset(options: GenerateDatasetOptions): Dataset {
  const counts = postCounts(options);
  const prng = createPrng(options.seed);
  const names = syntheticNames(prng, counts.length);
  const identities = names.map((name) => ({
    did: syntheticDid(prng),
    handle: `${name.handleName}.test`,
    displayName: name.displayName,
  }));

  // Posts are built oldest first across all actors, so that a reply can point at any post older than itself.
  const planned = planTimes(prng, counts).sort((a, b) => a.createdMs - b.createdMs || a.actor - b.actor);
  const built: SyntheticPost[] = [];
  for (const plan of planned) {
    const author = identities[plan.actor];
    if (author === undefined) throw new Error('unreachable: planned post without an actor');
    built.push(buildPost(prng, author.did, plan.createdMs, built));
  }

  const actors = identities.map((identity, index): SyntheticActor => {
    const posts = built.filter((post) => post.authorDid === identity.did).reverse();
    const oldest = posts.at(-1);
    const createdMs = (oldest ? Date.parse(oldest.record.createdAt) : NEWEST_POST_MS) - prng.int(1, 400) * 86_400_000;
    const status = options.accountStatus?.[index];
    return {
      ...identity,
      description: `Synthetic test account #${index + 1}. Not a real person.`,
      createdAt: new Date(createdMs).toISOString(),
      posts,
      ...(status ? { status } : {}),
    };
  });
  if (!hasGraph(options)) return { seed: options.seed, actors };
  const graph = generateGraph(options.seed, actors.map((actor) => actor.did), options);
  return { seed: options.seed, actors, ...graph };
}

function hasGraph(spec: GraphSpec): boolean {
  return [spec.follows, spec.lists, spec.starterPacks, spec.blocks].some((part) => part !== undefined && part.length > 0);
}

function postCounts(options: GenerateDatasetOptions): readonly number[] {
  const { actors, postsPerActor } = options;
  if (typeof postsPerActor === 'number') {
    if (actors === undefined) throw new RangeError('generateDataset: `actors` is required when postsPerActor is a number');
    return Array.from({ length: actors }, () => postsPerActor);
  }
  if (actors !== undefined && actors !== postsPerActor.length) {
    throw new RangeError(`generateDataset: ${actors} actors but ${postsPerActor.length} post counts`);
  }
  return postsPerActor;
}

function planTimes(prng: Prng, counts: readonly number[]): PlannedPost[] {
  const planned: PlannedPost[] = [];
  counts.forEach((count, actor) => {
    let createdMs = NEWEST_POST_MS - prng.int(0, 3_600) * 1_000;
    for (let i = 0; i < count; i++) {
      planned.push({ actor, createdMs });
      // At least a minute apart, so that indexedAt (a few seconds later) keeps the same order.
      createdMs -= prng.int(60, 6 * 3_600) * 1_000;
    }
  });
  return planned;
}

function buildPost(prng: Prng, authorDid: string, createdMs: number, older: readonly SyntheticPost[]): SyntheticPost {
  const { text, facets } = syntheticText(prng);
  const parent = older.length > 0 && prng.chance(REPLY_PROBABILITY) ? prng.pick(older) : undefined;
  const record: AppBskyFeedPost.Record = {
    $type: 'app.bsky.feed.post',
    text,
    ...(facets ? { facets } : {}),
    ...(parent ? { reply: { root: parent.record.reply?.root ?? strongRef(parent), parent: strongRef(parent) } } : {}),
    langs: ['en'],
    createdAt: new Date(createdMs).toISOString(),
  };
  const rkey = tid(createdMs * 1_000 + prng.int(0, 999), prng.int(0, 1_023));
  return {
    uri: `at://${authorDid}/app.bsky.feed.post/${rkey}`,
    cid: cidOf(new TextEncoder().encode(JSON.stringify(record))),
    authorDid,
    record,
    indexedAt: new Date(createdMs + prng.int(50, 3_000)).toISOString(),
    likeCount: prng.int(0, 40),
    repostCount: prng.int(0, 8),
    replyCount: prng.int(0, 5),
  };
}

function strongRef(post: SyntheticPost): { uri: string; cid: string } {
  return { uri: post.uri, cid: post.cid };
}
