// atprotoAuthorFeed in mode: 'incremental', driven by the core (validateConfig + runPipelines with a local
// state store) against the loopback AppView, whose feeds change between runs: new posts, reposts, pins.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpAgent } from '@atproto/api';
import { defineSink, localState } from '@etl/core';
import type { RunSummary, TaskState } from '@etl/core';
import { openStateStore, runPipelines, validateConfig } from '@etl/core/host';
import type { ResolvedConfig } from '@etl/core/host';
import { generateDataset, startAppView } from '@etl/dev-servers';
import type { AppView, AppViewFaults } from '@etl/dev-servers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atprotoAuthorFeed } from './author-feed-source.js';
import type { FeedViewPost } from './author-feed-source.js';

// Small pages (limit 5), so that the stop rule, the pin on page 1 and an old post's own place all matter.
const LIMIT = 5;
const dataset = generateDataset({ seed: 4242, postsPerActor: [23, 17, 9] });
const [alice, bob, carol] = [dataset.actors[0]!, dataset.actors[1]!, dataset.actors[2]!];

let dir: string;
let server: AppView;
let fault: AppViewFaults | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etl-feed-incremental-'));
  fault = undefined;
  server = await startAppView({ dataset, faults: (request) => fault?.(request) });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** The identity the bookmark rule speaks of, written out independently of the source's code. */
function identity(item: FeedViewPost): string {
  const reason = item.reason as { $type?: string; uri?: string; by?: { did: string } } | undefined;
  return reason?.$type === 'app.bsky.feed.defs#reasonRepost' ? `repost|${reason.uri ?? reason.by?.did}|${item.post.uri}` : item.post.uri;
}
const reasonOf = (item: FeedViewPost) => (item.reason as { $type?: string } | undefined)?.$type;

interface Run {
  readonly summary: RunSummary;
  /** Committed records per partition. */
  readonly records: Map<string, FeedViewPost[]>;
}

function feedsConfig(mode: 'incremental' | 'snapshot', partitions: readonly string[], committed: Map<string, FeedViewPost[]>): ResolvedConfig {
  const memorySink = defineSink({
    name: 'test.feedMemory',
    options: { type: 'object', additionalProperties: false, properties: {} } as const,
    create: () => ({
      open: async (task) => {
        const buffer: FeedViewPost[] = [];
        return {
          write: async (records: readonly unknown[]) => {
            buffer.push(...(records as FeedViewPost[]));
          },
          commit: async () => {
            committed.set(task.partition, buffer);
            return { outputs: [{ location: `memory:${task.partition}`, records: buffer.length }] };
          },
          abort: async () => undefined,
        };
      },
    }),
  });
  return validateConfig(
    {
      state: localState({ directory: join(dir, 'state') }),
      pipelines: {
        feeds: {
          source: atprotoAuthorFeed({ service: server.url, limit: LIMIT, includePins: true }),
          partitions: [...partitions],
          sink: memorySink({}),
          mode,
          policy: { retry: { attempts: 1 } },
        },
      },
    },
    join(dir, 'etl.config.ts'),
  );
}

/** One run of pipeline `feeds`; incremental runs keep their bookmarks in the temp dir's state store. */
async function run(mode: 'incremental' | 'snapshot', partitions: readonly string[] = [alice.did, bob.did]): Promise<Run> {
  const records = new Map<string, FeedViewPost[]>();
  const config = feedsConfig(mode, partitions, records);
  // A snapshot keeps no state, so that it cannot touch the bookmarks of the incremental runs.
  const summary = await runPipelines(config, mode === 'snapshot' ? { state: false } : {});
  return { summary, records };
}

async function taskState(partition: string): Promise<TaskState | undefined> {
  const store = await openStateStore(feedsConfig('incremental', [partition], new Map()));
  try {
    return await store.getTaskState('feeds', partition);
  } finally {
    await store.close?.();
  }
}

const keysOf = (records: readonly FeedViewPost[] | undefined) => (records ?? []).map(identity);
const pagesOf = (summary: RunSummary) => summary.tasks.map((task) => [task.partition, task.status, task.pages]);

function expectNoDuplicates(keys: readonly string[]): void {
  expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
}

describe('atprotoAuthorFeed in incremental mode', () => {
  it('writes only new items (posts, a repost of an old post, a new pinned post; not an old one pinned), and the runs add up to a snapshot', async () => {
    // Run 1: no bookmark yet, so everything, as served.
    const first = await run('incremental');
    expect(first.summary.status).toBe('succeeded');
    expect(keysOf(first.records.get(alice.did))).toEqual(alice.posts.map((post) => post.uri));
    expect(keysOf(first.records.get(bob.did))).toEqual(bob.posts.map((post) => post.uri));
    expect((await taskState(alice.did))?.bookmark).toEqual({
      version: 1,
      newest: new Date(alice.posts[0]!.indexedAt).toISOString(),
      keysAtNewest: [alice.posts[0]!.uri],
    });

    // Between the runs: alice posts three times and reposts an old post of carol's between the 2nd and 3rd,
    // and pins an old post of hers (far down: page 4 of 5); bob posts, pins that post, and posts again.
    const p1 = server.addPost(alice.did);
    const p2 = server.addPost(alice.did);
    const oldOfCarol = carol.posts.at(-1)!;
    const repost = server.repost(alice.did, oldOfCarol.uri);
    const p3 = server.addPost(alice.did);
    const oldOfAlice = alice.posts[17]!;
    server.pin(alice.did, oldOfAlice.uri);
    const pinnedNew = server.addPost(bob.did);
    server.pin(bob.did, pinnedNew.uri);
    const afterPin = server.addPost(bob.did);

    // Run 2: exactly the new items, newest first; the repost once, the old pinned post not at all.
    const second = await run('incremental');
    expect(second.summary.status).toBe('succeeded');
    const repostKey = `repost|${repost.uri}|${oldOfCarol.uri}`;
    expect(keysOf(second.records.get(alice.did))).toEqual([p3.uri, repostKey, p2.uri, p1.uri]);
    expect(second.records.get(alice.did)?.[1]?.reason).toMatchObject({ $type: 'app.bsky.feed.defs#reasonRepost', indexedAt: repost.indexedAt });
    expect(keysOf(second.records.get(bob.did))).toEqual([pinnedNew.uri, afterPin.uri]);
    expect(reasonOf(second.records.get(bob.did)![0]!)).toBe('app.bsky.feed.defs#reasonPin');
    // Alice's page 1 (the pin, 4 new items, then run 1's newest: seen, but at the bookmark's very time, so not
    // a stop) asks for page 2, whose first item is older and ends the task; bob's ends on page 1.
    expect(pagesOf(second.summary)).toEqual([[alice.did, 'succeeded', 2], [bob.did, 'succeeded', 1]]);
    expect((await taskState(alice.did))?.bookmark).toEqual({ version: 1, newest: p3.indexedAt, keysAtNewest: [p3.uri] });

    // The union of the runs is what a snapshot reads now: the same items, none twice.
    const snapshot = await run('snapshot');
    for (const actor of [alice, bob]) {
      const union = [...keysOf(first.records.get(actor.did)), ...keysOf(second.records.get(actor.did))];
      expectNoDuplicates(union);
      expect(new Set(union)).toEqual(new Set(keysOf(snapshot.records.get(actor.did))));
    }
    // (The snapshot serves alice's old pinned post twice, as the AppView does: on top, and in its place.)
    expect(keysOf(snapshot.records.get(alice.did)).filter((key) => key === oldOfAlice.uri)).toHaveLength(2);
    expect(snapshot.records.get(alice.did)).toHaveLength(alice.posts.length + 5);

    // Run 3, nothing changed: nothing written, one page per partition, the bookmark kept.
    const third = await run('incremental');
    expect([...third.records.values()].map((records) => records.length)).toEqual([0, 0]);
    expect(pagesOf(third.summary)).toEqual([[alice.did, 'succeeded', 1], [bob.did, 'succeeded', 1]]);
    expect((await taskState(alice.did))?.bookmark).toEqual({ version: 1, newest: p3.indexedAt, keysAtNewest: [p3.uri] });
  });

  it('writes a new item that shares the bookmark\'s time with a seen one, and the same post reposted again', async () => {
    await run('incremental', [alice.did]);
    const newest = alice.posts[0]!;
    // Indexed at the very same instant as the newest seen post, created just before it: it sorts right below it.
    const twin = server.addPost(alice.did, { createdAt: new Date(Date.parse(newest.record.createdAt) - 1).toISOString(), indexedAt: newest.indexedAt });
    const second = await run('incremental', [alice.did]);
    expect(keysOf(second.records.get(alice.did))).toEqual([twin.uri]);
    expect((await taskState(alice.did))?.bookmark).toEqual({ version: 1, newest: new Date(newest.indexedAt).toISOString(), keysAtNewest: [newest.uri, twin.uri].sort() });

    const subject = bob.posts[4]!.uri;
    const once = server.repost(alice.did, subject);
    const again = server.repost(alice.did, subject);
    const third = await run('incremental', [alice.did]);
    expect(keysOf(third.records.get(alice.did))).toEqual([`repost|${again.uri}|${subject}`, `repost|${once.uri}|${subject}`]);
    expect(keysOf((await run('incremental', [alice.did])).records.get(alice.did))).toEqual([]);
  });

  it('keeps the bookmark of the last successful run when a run fails, so its new items come again', async () => {
    await run('incremental', [alice.did]);
    const added = Array.from({ length: 7 }, () => server.addPost(alice.did));
    // Page 2 of the next run fails (after page 1 returned a newer bookmark): the task fails, nothing is committed.
    fault = (request) => (request.nsid === 'app.bsky.feed.getAuthorFeed' && request.params['cursor'] !== undefined ? { status: 400, error: 'InvalidRequest', message: 'no' } : undefined);
    const failed = await run('incremental', [alice.did]);
    expect(failed.summary.tasks[0]?.status).toBe('failed');
    expect((await taskState(alice.did))?.bookmark).toMatchObject({ keysAtNewest: [alice.posts[0]!.uri] });
    fault = undefined;
    const retried = await run('incremental', [alice.did]);
    expect(keysOf(retried.records.get(alice.did))).toEqual(added.map((post) => post.uri).reverse());
  });

  it('does not pick up a backdated post, which sorts below items already seen (only a snapshot has it)', async () => {
    await run('incremental', [alice.did]);
    // Written now with an old createdAt: the AppView sorts it by createdAt, among posts run 1 saw.
    const backdated = server.addPost(alice.did, { createdAt: new Date(Date.parse(alice.posts[5]!.record.createdAt) - 1_000).toISOString() });
    expect(keysOf((await run('incremental', [alice.did])).records.get(alice.did))).toEqual([]);
    expect(keysOf((await run('snapshot', [alice.did])).records.get(alice.did))).toContain(backdated.uri);
  });

  it('fails the task without a call when the stored bookmark is not one of its own', async () => {
    const store = await openStateStore(feedsConfig('incremental', [alice.did], new Map()));
    await store.saveTaskState('feeds', alice.did, { bookmark: 1234 });
    await store.close?.();
    const { summary } = await run('incremental', [alice.did]);
    expect(summary.tasks[0]).toMatchObject({ status: 'failed', retries: 0, error: { code: 'ATPROTO_BOOKMARK_INVALID' } });
    expect(summary.tasks[0]?.error?.message).toContain('etl state reset');
    expect(server.count('app.bsky.feed.getAuthorFeed')).toBe(0);
  });
});

describe('atprotoAuthorFeed in snapshot mode', () => {
  it('writes every item exactly as the API serves it, whatever bookmark is stored, and leaves the bookmark alone', async () => {
    await run('incremental', [alice.did]);
    const bookmark = (await taskState(alice.did))?.bookmark;
    server.addPost(alice.did);
    server.repost(alice.did, bob.posts[0]!.uri);
    server.pin(alice.did, alice.posts[9]!.uri);

    // With the state store this time, which holds alice's bookmark.
    const records = new Map<string, FeedViewPost[]>();
    const summary = await runPipelines(feedsConfig('snapshot', [alice.did], records));
    expect(summary.status).toBe('succeeded');

    const agent = new AtpAgent({ service: server.url });
    const served: FeedViewPost[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor: alice.did, limit: LIMIT, includePins: true, cursor });
      pages++;
      served.push(...data.feed);
      cursor = data.feed.length > 0 ? data.cursor : undefined;
    } while (cursor !== undefined);
    expect(records.get(alice.did)).toEqual(served);
    expect(served).toHaveLength(alice.posts.length + 3);
    expect(summary.tasks[0]?.pages).toBe(pages);
    expect((await taskState(alice.did))?.bookmark).toEqual(bookmark);
  });
});
