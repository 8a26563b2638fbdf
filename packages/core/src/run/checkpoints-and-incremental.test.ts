import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { validateConfig } from '../config/validate-config.js';
import type { RunEvent } from '../events/run-events.js';
import { defineSource } from '../index.js';
import { LocalStateStore } from '../state/local-state-store.js';
import { chunkingSinkWith, countingPages, memorySinkWith, newMemoryStore, type ChunkStore } from '../test-support/memory-plugins.js';
import { runPipelines } from './run-pipelines.js';

let dir: string;
let store: LocalStateStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etl-cp-'));
  store = new LocalStateStore(join(dir, '.etl'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (raw: unknown) => validateConfig(raw, 'etl.config.ts', dir);
const chunkStore = (): ChunkStore => ({ chunks: new Map(), committed: new Map(), opened: [] });

describe('checkpoints', () => {
  it('a failed task resumes from its last committed chunk: no duplicates, no gaps', async () => {
    const pages = countingPages(100, 10); // 10 pages
    const cursors: (string | undefined)[] = [];
    let failAt: string | undefined = '70';
    const source = defineSource({
      name: 'test.flaky',
      options: { type: 'object' },
      create: () => ({
        fetchPage: async (request) => {
          cursors.push(request.cursor);
          if (request.cursor === failAt) throw new Error('connection lost for good');
          return pages(request);
        },
        isRetryable: () => false,
      }),
    })({});
    const chunks = chunkStore();
    const events: RunEvent[] = [];
    const cfg = config({ pipelines: { p: { source, partitions: ['a'], sink: chunkingSinkWith(chunks), checkpoint: { everyPages: 3 } } } });

    const first = await runPipelines(cfg, { state: store, onEvent: (e) => events.push(e) });
    expect(first.tasks[0]?.status).toBe('failed');
    expect(events.filter((e) => e.type === 'task-checkpointed').map((e) => (e as { chunks: number }).chunks)).toEqual([1, 2]);
    const state = await store.getTaskState('p', 'a');
    expect(state?.checkpoint).toMatchObject({ runId: first.runId, cursor: '60', chunks: 2, records: 60, pages: 6 });

    failAt = undefined;
    cursors.length = 0;
    const second = await runPipelines(cfg, { state: store, resume: 'failed' });
    expect(second.tasks[0]).toMatchObject({ status: 'succeeded', records: 100, pages: 10 });
    expect(cursors[0]).toBe('60'); // resumed after the last chunk, not from the start
    expect(chunks.opened.map((o) => o.resume)).toEqual([undefined, { chunks: 2 }]);
    expect((chunks.committed.get('p/a') as { n: number }[]).map((r) => r.n)).toEqual([...Array(100).keys()]);
    expect((await store.getTaskState('p', 'a'))?.checkpoint).toBeUndefined();
  });

  it('a checkpoint of another run is not resumed', async () => {
    const pages = countingPages(30, 10);
    const source = defineSource({ name: 'test.pages', options: { type: 'object' }, create: () => ({ fetchPage: async (r) => pages(r) }) })({});
    const chunks = chunkStore();
    const cfg = config({ pipelines: { p: { source, partitions: ['a'], sink: chunkingSinkWith(chunks), checkpoint: { everyPages: 1 } } } });
    await store.saveTaskState('p', 'a', { checkpoint: { runId: 'an-old-run', cursor: '20', chunks: 2, outputs: [], records: 20, pages: 2, updatedAt: 'x' } });
    const summary = await runPipelines(cfg, { state: store });
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 30 });
    expect(chunks.opened[0]?.resume).toBeUndefined();
  });
});

describe('incremental mode', () => {
  /** Newest first, like an author feed; the bookmark is the newest id seen. */
  function feedSource(feed: { items: number[] }) {
    return defineSource({
      name: 'test.feed',
      incremental: true,
      options: { type: 'object' },
      create: () => ({
        fetchPage: async ({ cursor, bookmark }) => {
          const start = cursor ? Number(cursor) : 0;
          const page = feed.items.slice(start, start + 2);
          const seen = typeof bookmark === 'number' ? bookmark : -Infinity;
          const fresh = page.filter((id) => id > seen);
          const reachedSeen = fresh.length < page.length;
          const next = start + 2 < feed.items.length && !reachedSeen ? String(start + 2) : undefined;
          return { records: fresh, cursor: next, ...(start === 0 && page[0] !== undefined ? { bookmark: Math.max(page[0], seen) } : {}) };
        },
      }),
    });
  }

  it('writes only new items on the next run, and the union equals a full snapshot', async () => {
    const feed = { items: [5, 4, 3, 2, 1] };
    const sinkStore = newMemoryStore();
    const make = () => config({ pipelines: { p: { source: feedSource(feed)({}), partitions: ['a'], sink: memorySinkWith(sinkStore), mode: 'incremental' } } });
    await runPipelines(make(), { state: store });
    expect(sinkStore.committed.get('p/a')).toEqual([5, 4, 3, 2, 1]);
    expect((await store.getTaskState('p', 'a'))?.bookmark).toBe(5);

    feed.items = [8, 7, 6, 5, 4, 3, 2, 1];
    const second = await runPipelines(make(), { state: store });
    expect(sinkStore.committed.get('p/a')).toEqual([8, 7, 6]);
    expect(second.tasks[0]?.pages).toBe(2); // stopped paging once it reached what it had seen
    expect((await store.getTaskState('p', 'a'))?.bookmark).toBe(8);

    const third = await runPipelines(make(), { state: store });
    expect(sinkStore.committed.get('p/a')).toEqual([]);
    expect(third.tasks[0]?.pages).toBe(1);
  });

  it('snapshot mode ignores bookmarks', async () => {
    const feed = { items: [3, 2, 1] };
    const sinkStore = newMemoryStore();
    await store.saveTaskState('p', 'a', { bookmark: 3 });
    await runPipelines(config({ pipelines: { p: { source: feedSource(feed)({}), partitions: ['a'], sink: memorySinkWith(sinkStore) } } }), { state: store });
    expect(sinkStore.committed.get('p/a')).toEqual([3, 2, 1]);
  });

  it('refuses incremental mode for a source that does not support it', () => {
    const plain = defineSource({ name: 'test.plain', options: { type: 'object' }, create: () => ({ fetchPage: async () => ({ records: [] }) }) });
    expect(() => config({ pipelines: { p: { source: plain({}), partitions: ['a'], sink: memorySinkWith(newMemoryStore()), mode: 'incremental' } } })).toThrow(ConfigError);
    try {
      config({ pipelines: { p: { source: plain({}), partitions: ['a'], sink: memorySinkWith(newMemoryStore()), mode: 'incremental' } } });
    } catch (error) {
      expect((error as ConfigError).message).toContain("pipelines.p.mode: source test.plain does not support incremental mode; use mode: 'snapshot'");
    }
  });
});
