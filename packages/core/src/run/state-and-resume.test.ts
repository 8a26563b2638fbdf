import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate-config.js';
import { fromPipeline } from '../config/partitions-from.js';
import { ConfigError } from '../config/config-error.js';
import { StateLockedError } from '../errors/state-locked-error.js';
import { UsageError } from '../errors/usage-error.js';
import { defineSource } from '../index.js';
import { LocalStateStore } from '../state/local-state-store.js';
import { countingPages, memorySinkWith, newMemoryStore } from '../test-support/memory-plugins.js';
import { runPipelines } from './run-pipelines.js';

let dir: string;
let store: LocalStateStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etl-state-'));
  store = new LocalStateStore(join(dir, '.etl'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noOptions = { type: 'object', additionalProperties: false } as const;
const config = (raw: unknown) => validateConfig(raw, 'etl.config.ts', dir);

/** A source whose behaviour per partition the test controls. */
function scripted(fetch: (partition: string, cursor: string | undefined, signal: AbortSignal) => Promise<{ readonly records: readonly unknown[]; readonly cursor?: string | undefined }>) {
  return defineSource({
    name: 'test.scripted',
    options: noOptions,
    create: () => ({ fetchPage: ({ partition, cursor, signal }) => fetch(partition, cursor, signal), isRetryable: () => false }),
  })({});
}

describe('run records', () => {
  it('records every run with its tasks, statuses and counts', async () => {
    const pages = countingPages(5, 2);
    const source = scripted(async (partition, cursor) => {
      if (partition === 'bad') throw new Error('boom');
      return pages({ partition, cursor });
    });
    const summary = await runPipelines(config({ pipelines: { p: { source, partitions: ['a', 'bad'], sink: memorySinkWith(newMemoryStore()) } } }), { state: store });
    const record = await store.getRun(summary.runId);
    expect(record).toMatchObject({ runId: summary.runId, status: 'failed', attempts: 1, config: 'etl.config.ts' });
    expect(record?.tasks.map((t) => [t.taskId, t.status, t.records, t.pages])).toEqual([['p/a', 'succeeded', 5, 3], ['p/bad', 'failed', 0, 0]]);
    expect(record?.tasks[1]?.error?.message).toBe('boom');
    expect((await store.listRuns()).map((r) => r.runId)).toEqual([summary.runId]);
  });

  it('keeps the default state in .etl beside the config', async () => {
    const source = scripted(async () => ({ records: [1] }));
    const summary = await runPipelines(config({ pipelines: { p: { source, partitions: ['a'], sink: memorySinkWith(newMemoryStore()) } } }));
    expect((await store.getRun(summary.runId))?.status).toBe('succeeded');
  });
});

describe('resume', () => {
  it('--resume runs only the unfinished tasks of the latest run, under the same run id and start time', async () => {
    const sinkStore = newMemoryStore();
    const controller = new AbortController();
    let blockB = true;
    const source = scripted(async (partition, _cursor, signal) => {
      if (partition === 'b' && blockB) {
        controller.abort(); // the run is interrupted while b is in flight
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
      }
      return { records: [partition] };
    });
    const cfg = config({ pipelines: { p: { source, partitions: ['a', 'b', 'c'], sink: memorySinkWith(sinkStore) } } });
    const first = await runPipelines(cfg, { state: store, signal: controller.signal });
    expect(first.status).toBe('aborted');
    expect(first.tasks.map((t) => [t.partition, t.status])).toEqual([['a', 'succeeded'], ['b', 'aborted'], ['c', 'aborted']]);

    blockB = false;
    const opened: string[] = [];
    sinkStore.onOpen = (taskId) => opened.push(taskId);
    const second = await runPipelines(cfg, { state: store, resume: 'unfinished' });
    expect(opened).toEqual(['p/b', 'p/c']);
    expect(second.runId).toBe(first.runId);
    expect(second.startedAt).toBe(first.startedAt);
    expect(second.status).toBe('succeeded');
    const record = await store.getRun(first.runId);
    expect(record?.attempts).toBe(2);
    expect(record?.tasks.map((t) => t.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    await expect(runPipelines(cfg, { state: store, resume: 'unfinished' })).rejects.toThrow(`nothing to resume: the latest run ${first.runId} succeeded`);
  });

  it('--retry-failed reruns the failed tasks; --resume alone says how', async () => {
    let fail = true;
    const source = scripted(async (partition) => {
      if (partition === 'x' && fail) throw new Error('temporary');
      return { records: [partition] };
    });
    const sinkStore = newMemoryStore();
    const cfg = config({ pipelines: { p: { source, partitions: ['w', 'x'], sink: memorySinkWith(sinkStore) } } });
    await runPipelines(cfg, { state: store });
    await expect(runPipelines(cfg, { state: store, resume: 'unfinished' })).rejects.toThrow('use --retry-failed');
    fail = false;
    const retried = await runPipelines(cfg, { state: store, resume: 'failed' });
    expect(retried.tasks.map((t) => [t.partition, t.status])).toEqual([['x', 'succeeded']]);
    expect(retried.status).toBe('succeeded');
  });

  it('refuses a second concurrent run of the same pipeline, and takes over a dead holder’s lock', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fetching!: () => void;
    const fetched = new Promise<void>((resolve) => (fetching = resolve));
    const slow = scripted(async () => {
      fetching();
      await gate;
      return { records: [1] };
    });
    const cfg = config({ pipelines: { p: { source: slow, partitions: ['a'], sink: memorySinkWith(newMemoryStore()) } } });
    const first = runPipelines(cfg, { state: store });
    await fetched; // the first run is fetching, so it holds the lock (a fixed wait would race a slow machine)
    const second = runPipelines(cfg, { state: store });
    await expect(second).rejects.toBeInstanceOf(StateLockedError);
    await expect(second).rejects.toThrow(/pipeline 'p' is locked by run \S+ \(pid \d+/);
    release();
    expect((await first).status).toBe('succeeded');

    // A lock left by a process that no longer exists (e.g. SIGKILLed) does not block the next run.
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, '.etl/locks'), { recursive: true });
    await writeFile(join(dir, '.etl/locks/p.lock'), JSON.stringify({ runId: 'dead', pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 'x' }));
    expect((await runPipelines(cfg, { state: store })).status).toBe('succeeded');
  });
});

describe('dynamic partitions', () => {
  const members = scripted(async (partition) => ({ records: partition === 'pack' ? [{ did: 'did:a' }, { did: 'did:b' }, { did: 'did:a' }] : [] }));

  function feeds() {
    return scripted(async (partition) => ({ records: [`post of ${partition}`] }));
  }

  it('runs one downstream task per distinct key from the upstream records, in one run', async () => {
    const sinkStore = newMemoryStore();
    const cfg = config({
      pipelines: {
        authorFeeds: { source: feeds(), partitions: fromPipeline<{ did: string }>('members', (m) => m.did), sink: memorySinkWith(sinkStore) },
        members: { source: members, partitions: ['pack'], sink: memorySinkWith(sinkStore) },
      },
    });
    const summary = await runPipelines(cfg, { state: store });
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => t.taskId)).toEqual(['members/pack', 'authorFeeds/did:a', 'authorFeeds/did:b']);
    expect(sinkStore.committed.get('authorFeeds/did:b')).toEqual(['post of did:b']);
    expect((await store.getRun(summary.runId))?.dynamicPartitions).toEqual({ authorFeeds: ['did:a', 'did:b'] });
  });

  it('skips the downstream pipeline, with the reason, when the upstream fails; --retry-failed then runs it', async () => {
    let upstreamFails = true;
    const flakyMembers = scripted(async (partition) => {
      if (upstreamFails) throw new Error('pack not found');
      return { records: [{ did: `did:${partition}` }] };
    });
    const sinkStore = newMemoryStore();
    const cfg = config({
      pipelines: {
        members: { source: flakyMembers, partitions: ['pack'], sink: memorySinkWith(sinkStore) },
        authorFeeds: { source: feeds(), partitions: fromPipeline<{ did: string }>('members', (m) => m.did), sink: memorySinkWith(sinkStore) },
      },
    });
    const first = await runPipelines(cfg, { state: store });
    expect(first.tasks.map((t) => [t.taskId, t.status, t.error?.message])).toEqual([
      ['members/pack', 'failed', 'pack not found'],
      ['authorFeeds/*', 'skipped', "upstream pipeline 'members' did not succeed (pack: failed)"],
    ]);
    upstreamFails = false;
    const second = await runPipelines(cfg, { state: store, resume: 'failed' });
    expect(second.tasks.map((t) => [t.taskId, t.status])).toEqual([['members/pack', 'succeeded'], ['authorFeeds/did:pack', 'succeeded']]);
    expect((await store.getRun(first.runId))?.tasks.map((t) => t.taskId)).toEqual(['members/pack', 'authorFeeds/did:pack']);
  });

  it('fails, without calling the source, a key the downstream source refuses', async () => {
    const checked = defineSource({
      name: 'test.checked',
      options: noOptions,
      checkPartition: (p) => (p.startsWith('did:') ? undefined : 'not a DID'),
      create: () => ({ fetchPage: async ({ partition }) => ({ records: [partition] }) }),
    });
    const badMembers = scripted(async () => ({ records: [{ did: 'did:ok' }, { did: 'nonsense' }] }));
    const summary = await runPipelines(config({
      pipelines: {
        members: { source: badMembers, partitions: ['pack'], sink: memorySinkWith(newMemoryStore()) },
        feeds: { source: checked({}), partitions: fromPipeline<{ did: string }>('members', (m) => m.did), sink: memorySinkWith(newMemoryStore()) },
      },
    }), { state: store });
    expect(summary.tasks.map((t) => [t.taskId, t.status])).toEqual([['members/pack', 'succeeded'], ['feeds/nonsense', 'failed'], ['feeds/did:ok', 'succeeded']]);
    expect(summary.tasks[1]?.error?.message).toBe("invalid partition from 'members': not a DID");
  });

  it('refuses cycles and unknown upstreams at validation', () => {
    const sink = memorySinkWith(newMemoryStore());
    const source = scripted(async () => ({ records: [] }));
    const attempt = (pipelines: unknown) => {
      try {
        config({ pipelines });
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
      }
    };
    expect(attempt({
      a: { source, partitions: fromPipeline('b', String), sink },
      b: { source, partitions: fromPipeline('a', String), sink },
    })).toEqual(['pipelines.a.partitions: pipelines feed each other in a cycle: a <- b <- a']);
    expect(attempt({ a: { source, partitions: fromPipeline('membrs', String), sink }, members: { source, partitions: ['x'], sink } })).toEqual([
      "pipelines.a.partitions: fromPipeline('membrs'): no such pipeline; pipelines: members",
    ]);
    expect(() => config({ pipelines: { a: { source, partitions: fromPipeline('a', String), sink } } })).toThrow(ConfigError);
  });

  it('a selected downstream pipeline brings its upstream along', async () => {
    const sinkStore = newMemoryStore();
    const summary = await runPipelines(config({
      pipelines: {
        members: { source: members, partitions: ['pack'], sink: memorySinkWith(sinkStore) },
        authorFeeds: { source: feeds(), partitions: fromPipeline<{ did: string }>('members', (m) => m.did), sink: memorySinkWith(sinkStore) },
        other: { source: members, partitions: ['zzz'], sink: memorySinkWith(sinkStore) },
      },
    }), { state: store, pipelines: ['authorFeeds'] });
    expect(summary.tasks.map((t) => t.taskId)).toEqual(['members/pack', 'authorFeeds/did:a', 'authorFeeds/did:b']);
  });
});

it('resume without any recorded run is a usage error', async () => {
  const source = scripted(async () => ({ records: [] }));
  await expect(runPipelines(config({ pipelines: { p: { source, partitions: ['a'], sink: memorySinkWith(newMemoryStore()) } } }), { state: store, resume: 'unfinished' })).rejects.toBeInstanceOf(UsageError);
});
