// The sources against the real AT Protocol reference implementation: @atproto/dev-env's PLC, PDS and AppView
// (in process, on free loopback ports) over a throwaway PostgreSQL cluster, seeded with a known dataset.
// One network for the whole file; it needs the PostgreSQL 15 server binaries (see @etl/atproto-testnet).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpAgent } from '@atproto/api';
import { fromPipeline, localState } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import type { RunEvent, RunSummary, SourceSpec, StateStore } from '@etl/core';
import { ACTOR_KEYS, COLLECTIONS, RepoWriter } from '@etl/atproto-testnet';
import type { CreatedRecord, ReferenceData, SeededActor, StartedTestNetwork } from '@etl/atproto-testnet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atprotoAuthorFeed,
  atprotoFollowers,
  atprotoFollows,
  atprotoListMembers,
  atprotoRepoRecords,
  atprotoStarterPackMembers,
} from './index.js';
import type { FeedViewPost, ListItemView } from './index.js';
import { referenceMemorySink, startReferenceNetwork, type ReferenceNetwork } from './test-support/reference-network.js';

let reference: ReferenceNetwork | undefined;
let testnet: StartedTestNetwork | undefined;
let data: ReferenceData;

beforeAll(async () => {
  reference = await startReferenceNetwork();
  ({ testnet, data } = reference);
}, 180_000);

afterAll(async () => {
  await reference?.close();
}, 60_000);

const actors = (): SeededActor[] => ACTOR_KEYS.map((key) => data.actors[key]);

/** What a run left in the sink and told through its events, per partition. */
interface Collected<R> {
  readonly summary: RunSummary;
  /** Committed records per partition. */
  readonly records: Map<string, R[]>;
  /** Records per fetched page, per partition, in order. */
  readonly pages: Map<string, number[]>;
}

// A failure here is a finding, not something to wait out: one attempt, no backoff.
const ONE_ATTEMPT = { retry: { attempts: 1 }, bulkhead: 4 };

/**
 * Runs pipelines through the core, from config validation on, into an in-memory sink; records and pages
 * per `<pipeline>/<partition>`. No state unless `state` names a store (incremental runs need one).
 */
async function runReference(
  pipelines: Record<string, Record<string, unknown>>,
  options: { state?: StateStore | false } = {},
): Promise<Collected<unknown>> {
  const records = new Map<string, unknown[]>();
  const pages = new Map<string, number[]>();
  const sink = referenceMemorySink(records);
  const config = validateConfig(
    {
      concurrency: { limit: 4 },
      pipelines: Object.fromEntries(Object.entries(pipelines).map(([name, p]) => [name, { sink, policy: ONE_ATTEMPT, ...p }])),
    },
    'reference-network.test.ts',
  );
  const onEvent = (event: RunEvent) => {
    if (event.type !== 'page-fetched') return;
    const key = `${event.pipeline}/${event.partition}`;
    pages.set(key, [...(pages.get(key) ?? []), event.records]);
  };
  const summary = await runPipelines(config, { onEvent, state: options.state ?? false });
  const failures = summary.tasks.filter((task) => task.status !== 'succeeded').map((task) => `${task.pipeline}/${task.partition}: ${task.status} ${task.error?.message ?? ''}`);
  expect(failures).toEqual([]);
  expect(summary.status).toBe('succeeded');
  return { summary, records, pages };
}

/** Runs one pipeline over `partitions`; records and pages per partition. */
async function collect<R>(source: SourceSpec<R>, partitions: readonly string[]): Promise<Collected<R>> {
  const run = await runReference({ reference: { source, partitions: [...partitions] } });
  const byPartition = <V>(map: Map<string, V>) => new Map([...map].map(([key, value]) => [key.slice('reference/'.length), value]));
  return { summary: run.summary, records: byPartition(run.records) as Map<string, R[]>, pages: byPartition(run.pages) };
}

/** Pages a server returns for `count` items at limit 100: full pages, the rest, then an empty page. */
function expectedPages(count: number): number[] {
  const pages: number[] = [];
  for (let left = count; left > 0; left -= 100) pages.push(Math.min(100, left));
  return [...pages, 0];
}

function expectNoDuplicates(keys: readonly string[]): void {
  const seen = new Set<string>();
  const repeated = keys.filter((key) => (seen.has(key) ? true : (seen.add(key), false)));
  expect(repeated).toEqual([]);
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe('the reference network', () => {
  it('was seeded as planned', () => {
    expect(actors().map((actor) => actor.feed.length)).toEqual([0, 1, 100, 101, 250]);
    expect(data.actors.big.feed.filter((item) => item.kind === 'repost')).toHaveLength(15);
    expect(data.actors.big.feed.filter((item) => item.kind === 'reply')).toHaveLength(15);
    expect(data.actors.hundred.feed.filter((item) => item.kind === 'reply')).toHaveLength(10);
    expect(data.actors.big.followers).toHaveLength(104);
    expect(data.actors.hundred.followers).toHaveLength(100);
    expect(data.actors.big.follows).toHaveLength(101);
    expect(data.list.memberDids).toHaveLength(101);
    expect(data.starterPack.memberDids).toHaveLength(10);
  });

  // The stop rule of the core (a missing cursor OR an empty page) rests on this behaviour of the real servers.
  it('pages getAuthorFeed at limit 100 with a cursor on the last partial page, then an empty page without one', async () => {
    const appview = new AtpAgent({ service: data.appviewUrl });
    for (const actor of actors()) {
      const pages: Array<{ items: number; cursor: boolean }> = [];
      let cursor: string | undefined;
      do {
        const { data: page } = await appview.app.bsky.feed.getAuthorFeed({ actor: actor.did, limit: 100, cursor });
        pages.push({ items: page.feed.length, cursor: page.cursor !== undefined });
        cursor = page.feed.length > 0 ? page.cursor : undefined;
      } while (cursor !== undefined && pages.length < 10);
      const expected = expectedPages(actor.feed.length).map((items, i, all) => ({ items, cursor: i < all.length - 1 }));
      expect({ actor: actor.handle, pages }).toEqual({ actor: actor.handle, pages: expected });
    }
  });

  it('pages com.atproto.repo.listRecords at limit 100 the same way', async () => {
    const pds = new AtpAgent({ service: data.pdsUrl });
    const cases = [
      ...actors().map((actor) => ({ actor, collection: COLLECTIONS.post })),
      { actor: data.actors.big, collection: COLLECTIONS.follow },
      { actor: data.actors.big, collection: COLLECTIONS.listitem },
    ];
    for (const { actor, collection } of cases) {
      const count = actor.records[collection]?.length ?? 0;
      const pages: Array<{ items: number; cursor: boolean }> = [];
      let cursor: string | undefined;
      do {
        const { data: page } = await pds.com.atproto.repo.listRecords({ repo: actor.did, collection, limit: 100, cursor });
        pages.push({ items: page.records.length, cursor: page.cursor !== undefined });
        cursor = page.records.length > 0 ? page.cursor : undefined;
      } while (cursor !== undefined && pages.length < 10);
      const expected = expectedPages(count).map((items, i, all) => ({ items, cursor: i < all.length - 1 }));
      expect({ actor: actor.handle, collection, pages }).toEqual({ actor: actor.handle, collection, pages: expected });
    }
  });
});

describe('atprotoAuthorFeed on the reference AppView', () => {
  it('returns exactly each actor\'s feed, newest first, by handle and by DID (0, 1, 100, 101, 250 items)', async () => {
    const partitions = actors().flatMap((actor) => [actor.handle, actor.did]);
    const { summary, records, pages } = await collect(atprotoAuthorFeed({ service: data.appviewUrl, limit: 100 }), partitions);

    for (const actor of actors()) {
      for (const partition of [actor.handle, actor.did]) {
        const feed = records.get(partition) ?? [];
        const got = feed.map((item) => ({
          uri: item.post.uri,
          cid: item.post.cid,
          kind: item.reason ? 'repost' : item.reply ? 'reply' : 'post',
        }));
        const expected = actor.feed.map(({ uri, cid, kind }) => ({ uri, cid, kind }));
        expect({ partition, feed: got }).toEqual({ partition, feed: expected });
        expectNoDuplicates(feed.map((item) => `${item.post.uri} ${item.reason ? 'repost' : ''}`));
        expect({ partition, pages: pages.get(partition) }).toEqual({ partition, pages: expectedPages(actor.feed.length) });
      }
      // A handle partition resolves to the actor's DID; a DID partition needs no resolving.
      expect(summary.tasks.find((task) => task.partition === actor.handle)?.resolved).toBe(actor.did);
    }
  });

  it('shows reposts as FeedViewPosts with a #reasonRepost by the actor, and replies with their parent', async () => {
    const big = data.actors.big;
    const { records } = await collect(atprotoAuthorFeed({ service: data.appviewUrl }), [big.did]);
    const feed = records.get(big.did) ?? [];
    expect(feed).toHaveLength(big.feed.length);
    feed.forEach((item, i) => {
      const expected = big.feed[i]!;
      if (expected.kind === 'repost') {
        expect(item.reason).toMatchObject({ $type: 'app.bsky.feed.defs#reasonRepost', by: { did: big.did } });
        // This AppView names the repost record (the lexicon's optional reasonRepost.uri/cid).
        expect((item.reason as { uri?: string }).uri).toBe(expected.repostUri);
        expect(item.post.author.did).not.toBe(big.did);
      } else {
        expect(item.reason).toBeUndefined();
        expect(item.post.author.did).toBe(big.did);
      }
      if (expected.kind === 'reply') {
        expect((item.reply?.parent as { uri?: string } | undefined)?.uri).toBe(expected.parentUri);
      }
    });
  });
});

/** Every actor by DID, and the two with the most and the fewest items by handle too. */
const graphPartitions = () => [...actors().map((actor) => actor.did), data.actors.big.handle, data.actors.empty.handle];
const partitionsOf = (actor: SeededActor) => [actor.did, actor.handle].filter((p) => graphPartitions().includes(p));

/** At least as many pages as `count` items need at `limit`: what crosses a page boundary really was paged. */
function expectPaged(pages: readonly number[] | undefined, count: number, limit: number): void {
  expect(pages?.reduce((sum, n) => sum + n, 0)).toBe(count);
  expect(pages?.length ?? 0).toBeGreaterThanOrEqual(Math.ceil(count / limit));
}

describe('atprotoFollowers / atprotoFollows on the reference AppView', () => {
  it('returns exactly each actor\'s followers (0, 1, 100, 104)', async () => {
    const { records, pages } = await collect(atprotoFollowers({ service: data.appviewUrl }), graphPartitions());
    for (const actor of actors()) {
      for (const partition of partitionsOf(actor)) {
        const dids = (records.get(partition) ?? []).map((profile) => profile.did);
        expectNoDuplicates(dids);
        expect({ partition, followers: sorted(dids) }).toEqual({ partition, followers: sorted(actor.followers) });
        expectPaged(pages.get(partition), actor.followers.length, 100);
      }
    }
  });

  it('returns exactly what each actor follows (1, 2, 3, 101)', async () => {
    const { records, pages } = await collect(atprotoFollows({ service: data.appviewUrl }), graphPartitions());
    for (const actor of actors()) {
      for (const partition of partitionsOf(actor)) {
        const dids = (records.get(partition) ?? []).map((profile) => profile.did);
        expectNoDuplicates(dids);
        expect({ partition, follows: sorted(dids) }).toEqual({ partition, follows: sorted(actor.follows) });
        expectPaged(pages.get(partition), actor.follows.length, 100);
      }
    }
  });

  it('pages followers and follows in small pages without losing or repeating anyone', async () => {
    const { big, hundred } = data.actors;
    const followers = await collect(atprotoFollowers({ service: data.appviewUrl, limit: 10 }), [big.did, hundred.did]);
    const follows = await collect(atprotoFollows({ service: data.appviewUrl, limit: 10 }), [big.did]);
    for (const [run, actor, expected] of [
      [followers, big, big.followers],
      [followers, hundred, hundred.followers],
      [follows, big, big.follows],
    ] as const) {
      const dids = (run.records.get(actor.did) ?? []).map((profile) => profile.did);
      expectNoDuplicates(dids);
      expect(sorted(dids)).toEqual(sorted(expected));
      expectPaged(run.pages.get(actor.did), expected.length, 10);
    }
  });
});

describe('atprotoListMembers on the reference AppView', () => {
  it('returns exactly the members of a 101-member list, with their listitem records', async () => {
    const { records, pages } = await collect(atprotoListMembers({ service: data.appviewUrl }), [data.list.uri]);
    const items = records.get(data.list.uri) ?? [];
    expectPaged(pages.get(data.list.uri), data.list.memberDids.length, 100);
    const members = items.map((item) => item.subject.did);
    expectNoDuplicates(members);
    expect(sorted(members)).toEqual(sorted(data.list.memberDids));
    const owner = actors().find((actor) => actor.did === data.list.owner)!;
    const listItemUris = (owner.records[COLLECTIONS.listitem] ?? []).filter((record) => record.value['list'] === data.list.uri).map((record) => record.uri);
    expect(sorted(items.map((item) => item.uri))).toEqual(sorted(listItemUris));
  });

  it('pages a list in small pages without losing or repeating anyone', async () => {
    const { records, pages } = await collect(atprotoListMembers({ service: data.appviewUrl, limit: 10 }), [data.list.uri]);
    const members = (records.get(data.list.uri) ?? []).map((item) => item.subject.did);
    expectNoDuplicates(members);
    expect(sorted(members)).toEqual(sorted(data.list.memberDids));
    expectPaged(pages.get(data.list.uri), data.list.memberDids.length, 10);
  });
});

describe('atprotoStarterPackMembers on the reference AppView', () => {
  it('returns exactly the members of the list the starter pack points at', async () => {
    const { summary, records } = await collect(atprotoStarterPackMembers({ service: data.appviewUrl }), [data.starterPack.uri]);
    const members = (records.get(data.starterPack.uri) ?? []).map((item) => item.subject.did);
    expectNoDuplicates(members);
    expect(sorted(members)).toEqual(sorted(data.starterPack.memberDids));
    expect(summary.tasks[0]?.resolved).toBe(data.starterPack.listUri);
  });
});

describe('atprotoRepoRecords on the reference PDS', () => {
  const collections = [COLLECTIONS.post, COLLECTIONS.repost, COLLECTIONS.follow, COLLECTIONS.listitem, COLLECTIONS.profile];

  it.each(collections)('returns exactly every %s record of each actor from its PDS', async (collection) => {
    // Posts by handle and by DID; the other collections by DID, and by handle for big and empty.
    const partitions = collection === COLLECTIONS.post ? actors().flatMap((actor) => [actor.handle, actor.did]) : graphPartitions();
    const source = atprotoRepoRecords({ collection, service: data.appviewUrl, plcDirectory: data.plcUrl });
    const { records, pages } = await collect(source, partitions);
    for (const actor of actors()) {
      const written = actor.records[collection] ?? [];
      for (const partition of [actor.handle, actor.did].filter((p) => partitions.includes(p))) {
        expectPaged(pages.get(partition), written.length, 100);
        const got = records.get(partition) ?? [];
        expectNoDuplicates(got.map((record) => record.uri));
        // Newest first: the PDS's record keys (TIDs) grow in creation order.
        expect({ partition, uris: got.map((record) => record.uri) }).toEqual({ partition, uris: written.map((record) => record.uri).reverse() });
        const byUri = new Map(got.map((record) => [record.uri, record]));
        for (const record of written) {
          expect(byUri.get(record.uri)).toEqual({ uri: record.uri, cid: record.cid, value: record.value });
        }
      }
    }
  });
});

describe('dynamic partitions on the reference network', () => {
  it('runs the two stages in one run: the starter pack\'s members, then one author-feed task per member with exactly its feed', async () => {
    const { summary, records } = await runReference({
      members: { source: atprotoStarterPackMembers({ service: data.appviewUrl }), partitions: [data.starterPack.uri] },
      feeds: {
        source: atprotoAuthorFeed({ service: data.appviewUrl, limit: 100 }),
        partitions: fromPipeline('members', (item: ListItemView) => item.subject.did),
      },
    });
    const feedTasks = summary.tasks.filter((task) => task.pipeline === 'feeds');
    expect(sorted(feedTasks.map((task) => task.partition))).toEqual(sorted(data.starterPack.memberDids));
    expect(summary.tasks.filter((task) => task.pipeline === 'members').map((task) => task.partition)).toEqual([data.starterPack.uri]);
    // Four seeded actors with 0, 1, 101 and 250 items, and six crowd accounts with none.
    for (const did of data.starterPack.memberDids) {
      const expected = actors().find((actor) => actor.did === did)?.feed.map((item) => item.uri) ?? [];
      const got = (records.get(`feeds/${did}`) as FeedViewPost[] | undefined)?.map((item) => item.post.uri);
      expect({ did, feed: got }).toEqual({ did, feed: expected });
    }
    expect(feedTasks.reduce((sum, task) => sum + task.records, 0)).toBe(0 + 1 + 101 + 250);
  });
});

describe('atprotoAuthorFeed in incremental mode on the reference AppView', () => {
  /** The identity of the bookmark rule, written out here independently of the source. */
  const identity = (item: FeedViewPost) => {
    const reason = item.reason as { $type?: string; uri?: string; by?: { did: string } } | undefined;
    return reason?.$type === 'app.bsky.feed.defs#reasonRepost' ? `repost|${reason.uri ?? reason.by?.did}|${item.post.uri}` : item.post.uri;
  };
  const reasonOf = (item: FeedViewPost | undefined) => (item?.reason as { $type?: string } | undefined)?.$type;

  it('writes only what is new (posts, a repost of an old post, a new pinned post; not an old post pinned), and the runs add up to a snapshot', async () => {
    // A fresh account, so that the seeded feeds the other tests expect stay as they are.
    const writer = new RepoWriter(data.pdsUrl);
    const account = await writer.createAccount('fresh-feed.test');
    const base = Date.now() - 24 * 3600_000;
    // Explicit createdAt in the past, a second apart: the AppView sorts by min(createdAt, indexedAt) = createdAt.
    const at = (second: number) => new Date(base + second * 1000).toISOString();
    const post = (second: number) => ({ collection: COLLECTIONS.post, value: { text: `fresh post at ${second}`, createdAt: at(second) } });
    const profile = (pinned?: CreatedRecord) => ({
      collection: COLLECTIONS.profile,
      rkey: 'self',
      value: { displayName: 'Fresh feed', ...(pinned ? { pinnedPost: { uri: pinned.uri, cid: pinned.cid } } : {}) },
    });
    await writer.write(account.did, [profile()]);
    const initial = await writer.write(account.did, Array.from({ length: 30 }, (_, i) => post(i)));
    await testnet!.network.processAll();

    const dir = await mkdtemp(join(tmpdir(), 'etl-reference-incremental-'));
    const store = await localState.definition.create({ directory: dir }, { configDirectory: dir });
    try {
      const source = atprotoAuthorFeed({ service: data.appviewUrl, limit: 10, includePins: true });
      const run = async (mode: 'incremental' | 'snapshot') => {
        const { summary, records, pages } = await runReference(
          { feeds: { source, partitions: [account.did], mode } },
          // Snapshots keep no state, so that they cannot touch the bookmark.
          { state: mode === 'incremental' ? store : false },
        );
        return { summary, items: (records.get(`feeds/${account.did}`) ?? []) as FeedViewPost[], pages: pages.get(`feeds/${account.did}`) };
      };
      const bookmark = async () => (await store.getTaskState('feeds', account.did))?.bookmark;

      // Run 1: everything, as served.
      const first = await run('incremental');
      expect(first.items.map(identity)).toEqual(initial.map((record) => record.uri).reverse());
      expect(first.pages).toEqual([10, 10, 10, 0]);
      expect(await bookmark()).toEqual({ version: 1, newest: at(29), keysAtNewest: [initial[29]!.uri] });

      // Pin an old post (page 3), post twice, repost an old post of one.test's, post again.
      const oldPinned = initial[4]!;
      await writer.write(account.did, [{ ...profile(oldPinned), action: 'update' }]);
      const [p1, p2] = await writer.write(account.did, [post(100), post(101)]);
      const subject = data.actors.one.feed[0]!;
      const [repost] = await writer.write(account.did, [{ collection: COLLECTIONS.repost, value: { subject: { uri: subject.uri, cid: subject.cid }, createdAt: at(102) } }]);
      const [p3] = await writer.write(account.did, [post(103)]);
      await testnet!.network.processAll();

      const second = await run('incremental');
      expect(second.items.map(identity)).toEqual([p3!.uri, `repost|${repost!.uri}|${subject.uri}`, p2!.uri, p1!.uri]);
      // The real AppView's repost: by the actor, naming the repost record, timed by the repost.
      expect(second.items[1]?.reason).toMatchObject({ $type: 'app.bsky.feed.defs#reasonRepost', by: { did: account.did }, uri: repost!.uri, indexedAt: at(102) });
      expect(second.items[1]?.post).toMatchObject({ uri: subject.uri, author: { did: data.actors.one.did } });
      // Page 1: the old pin (skipped), 4 new items, then run 1's newest (seen, at the bookmark's time) and older ones.
      expect(second.pages).toEqual([4]);
      expect(await bookmark()).toEqual({ version: 1, newest: at(103), keysAtNewest: [p3!.uri] });

      // A snapshot now: the same items as runs 1 and 2 together; the old pinned post twice (on top, and in its place).
      const snapshotAfterTwo = await run('snapshot');
      expect(reasonOf(snapshotAfterTwo.items[0])).toBe('app.bsky.feed.defs#reasonPin');
      expect(snapshotAfterTwo.items.map(identity).filter((key) => key === oldPinned.uri)).toHaveLength(2);
      const two = [...first.items, ...second.items].map(identity);
      expectNoDuplicates(two);
      expect(new Set(two)).toEqual(new Set(snapshotAfterTwo.items.map(identity)));

      // A new post, pinned at once, and a newer one: the pinned post is written once, pinned.
      const [p4] = await writer.write(account.did, [post(104)]);
      await writer.write(account.did, [{ ...profile(p4), action: 'update' }]);
      const [p5] = await writer.write(account.did, [post(105)]);
      await testnet!.network.processAll();
      const third = await run('incremental');
      expect(third.items.map(identity)).toEqual([p4!.uri, p5!.uri]);
      expect(reasonOf(third.items[0])).toBe('app.bsky.feed.defs#reasonPin');

      const snapshot = await run('snapshot');
      const all = [...first.items, ...second.items, ...third.items].map(identity);
      expectNoDuplicates(all);
      expect(new Set(all)).toEqual(new Set(snapshot.items.map(identity)));
      expect(snapshot.items).toHaveLength(all.length);

      // Nothing changed: nothing written, one page.
      const fourth = await run('incremental');
      expect(fourth.items).toEqual([]);
      expect(fourth.pages).toEqual([0]);
    } finally {
      await store.close?.();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
