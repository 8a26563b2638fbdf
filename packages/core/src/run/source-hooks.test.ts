import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../config/validate-config.js';
import { PartitionSkippedError } from '../errors/partition-skipped.js';
import type { RunEvent } from '../events/run-events.js';
import { defineSink, defineSource, env } from '../index.js';
import { countingPages, memorySinkWith, newMemoryStore } from '../test-support/memory-plugins.js';
import { runPipelines, type RunOptions } from './run-pipelines.js';

// These tests are about scheduling and policy; state has its own tests (and real fs I/O would race fake timers).
const run = (cfg: Parameters<typeof runPipelines>[0], options: RunOptions = {}) => runPipelines(cfg, { state: false, ...options });

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const config = (raw: unknown) => validateConfig(raw, 'test.config.ts');
const noOptions = { type: 'object', additionalProperties: false } as const;

describe('source hooks', () => {
  it('resolves each partition once, reports it, and passes it to every page', async () => {
    const resolvedSeen: (string | undefined)[] = [];
    let resolveCalls = 0;
    const pages = countingPages(5, 2);
    const source = defineSource({
      name: 'test.resolving',
      options: noOptions,
      create: () => ({
        async resolvePartition({ partition }) {
          resolveCalls++;
          if (resolveCalls === 1) throw new Error('flaky resolver'); // retried under the policy
          return `did:plc:${partition}`;
        },
        async fetchPage(request) {
          resolvedSeen.push(request.resolved);
          return pages(request);
        },
      }),
    });
    const events: RunEvent[] = [];
    const summary = await run(config({
      pipelines: { p: { source: source({}), partitions: ['alice'], sink: memorySinkWith(newMemoryStore()), policy: { retry: { backoff: { constant: 1 } } } } },
    }), { onEvent: (e) => events.push(e) });
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', resolved: 'did:plc:alice', retries: 1 });
    expect(resolveCalls).toBe(2);
    expect(resolvedSeen).toEqual(['did:plc:alice', 'did:plc:alice', 'did:plc:alice']);
    expect(events.filter((e) => e.type === 'partition-resolved')).toEqual([
      { type: 'partition-resolved', taskId: 'p/alice', pipeline: 'p', partition: 'alice', resolved: 'did:plc:alice' },
    ]);
  });

  it('skips a partition the source declares skipped: no retry, writer aborted, run not failed', async () => {
    let calls = 0;
    const source = defineSource({
      name: 'test.skipping',
      options: noOptions,
      create: () => ({
        async fetchPage(request) {
          calls++;
          if (request.partition === 'gone') throw new PartitionSkippedError('actor not found: gone');
          return { records: [1] };
        },
      }),
    });
    const store = newMemoryStore();
    const summary = await run(config({ pipelines: { p: { source: source({}), partitions: ['gone', 'here'], sink: memorySinkWith(store) } } }));
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => t.status)).toEqual(['skipped', 'succeeded']);
    expect(summary.tasks[0]?.error?.message).toBe('actor not found: gone');
    expect(calls).toBe(2);
    expect(store.aborted).toEqual(['p/gone']);
  });

  it('lets the source set a retry wait (e.g. until a rate-limit reset) and report a pause', async () => {
    vi.useFakeTimers({ now: 0 });
    const calls: number[] = [];
    const source = defineSource({
      name: 'test.ratelimited',
      options: noOptions,
      create: () => ({
        async fetchPage({ report }) {
          calls.push(Date.now());
          if (calls.length === 1) throw Object.assign(new Error('RateLimitExceeded'), { resetAt: 30_000 });
          report({ kind: 'paused', until: new Date(90_000), reason: 'rate limited' });
          return { records: [1] };
        },
        retryDelayMs: (error, policyDelayMs) => {
          const resetAt = (error as { resetAt?: number }).resetAt;
          return resetAt === undefined ? policyDelayMs : resetAt - Date.now();
        },
      }),
    });
    const events: RunEvent[] = [];
    const done = run(config({ pipelines: { p: { source: source({}), partitions: ['a'], sink: memorySinkWith(newMemoryStore()) } } }), {
      onEvent: (e) => events.push(e),
    });
    await vi.advanceTimersByTimeAsync(30_000);
    const summary = await done;
    expect(calls).toEqual([0, 30_000]);
    expect(summary.tasks[0]?.status).toBe('succeeded');
    expect(events.find((e) => e.type === 'retry-scheduled')).toMatchObject({ delayMs: 30_000 });
    expect(events.find((e) => e.type === 'task-paused')).toMatchObject({ until: '1970-01-01T00:01:30.000Z', reason: 'rate limited' });
  });
});

describe('sink finishRun', () => {
  it('tells each sink instance the outcome of its own tasks, and lists what it returns', async () => {
    const reports: unknown[] = [];
    const sink = defineSink({
      name: 'test.manifesting',
      options: noOptions,
      create: () => ({
        async open(task) {
          let n = 0;
          return {
            write: async (records) => void (n += records.length),
            commit: async () => ({ outputs: [{ location: `mem://${task.partition}`, records: n }] }),
            abort: async () => undefined,
          };
        },
        async finishRun(report) {
          reports.push({ status: report.status, tasks: report.tasks.map((t) => [t.partition, t.status, t.outputs.map((o) => o.location)]) });
          return [{ location: `mem://_manifests/${report.runId}.json`, records: report.tasks.length }];
        },
      }),
    });
    const failing = defineSource({
      name: 'test.failOnB',
      options: noOptions,
      create: () => ({
        async fetchPage({ partition }) {
          if (partition === 'b') throw new Error('nope');
          return { records: [partition] };
        },
        isRetryable: () => false,
      }),
    });
    const summary = await run(config({ pipelines: { p: { source: failing({}), partitions: ['a', 'b'], sink: sink({}) } } }), { runId: 'run-1' });
    expect(reports).toEqual([{ status: 'failed', tasks: [['a', 'succeeded', ['mem://a']], ['b', 'failed', []]] }]);
    expect(summary.outputs).toEqual([{ location: 'mem://_manifests/run-1.json', records: 2 }]);
  });

  it('fails the run when finishRun fails', async () => {
    const sink = defineSink({
      name: 'test.brokenManifest',
      options: noOptions,
      create: () => ({
        open: async () => ({ write: async () => undefined, commit: async () => ({ outputs: [] }), abort: async () => undefined }),
        finishRun: async () => {
          throw new Error('manifest write denied');
        },
      }),
    });
    const source = defineSource({ name: 'test.one', options: noOptions, create: () => ({ fetchPage: async () => ({ records: [1] }) }) });
    const summary = await run(config({ pipelines: { p: { source: source({}), partitions: ['a'], sink: sink({}) } } }));
    expect(summary.tasks[0]?.status).toBe('succeeded');
    expect(summary.status).toBe('failed');
    expect(summary.errors).toEqual([expect.objectContaining({ message: 'manifest write denied' })]);
  });
});

describe('env()', () => {
  it('reads a variable and redacts its value from everything the run emits', async () => {
    vi.stubEnv('ETL_TEST_APP_PASSWORD', 'abcd-efgh-ijkl-mnop');
    const password = env('ETL_TEST_APP_PASSWORD');
    const source = defineSource({
      name: 'test.leaky',
      options: noOptions,
      create: () => ({
        fetchPage: async () => {
          throw new Error(`login failed for password ${password}`);
        },
        isRetryable: () => false,
      }),
    });
    const events: RunEvent[] = [];
    await run(config({ pipelines: { p: { source: source({}), partitions: ['a'], sink: memorySinkWith(newMemoryStore()) } } }), { onEvent: (e) => events.push(e) });
    expect(JSON.stringify(events)).toContain('login failed for password ***');
    expect(JSON.stringify(events)).not.toContain('abcd-efgh-ijkl-mnop');
  });

  it('names a missing variable', () => {
    expect(() => env('ETL_TEST_SURELY_UNSET')).toThrow("environment variable ETL_TEST_SURELY_UNSET is not set (the config reads it with env('ETL_TEST_SURELY_UNSET'))");
    expect(env('ETL_TEST_SURELY_UNSET', { optional: true })).toBeUndefined();
  });
});
