import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../config/validate-config.js';
import type { RunEvent } from '../events/run-events.js';
import { countingPages, memorySinkWith, memorySourceWith, newMemoryStore } from '../test-support/memory-plugins.js';
import { runPipelines, type RunOptions } from './run-pipelines.js';

// These tests are about scheduling and policy; state has its own tests (and real fs I/O would race fake timers).
const run = (cfg: Parameters<typeof runPipelines>[0], options: RunOptions = {}) => runPipelines(cfg, { state: false, ...options });

function config(raw: unknown) {
  return validateConfig(raw, 'test.config.ts');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retry policy (fake time)', () => {
  it('calls at 0, 150, 300, 450, 600 s by default, then fails the task with the last error', async () => {
    vi.useFakeTimers({ now: 0 });
    const calls: number[] = [];
    const store = newMemoryStore();
    const source = memorySourceWith({
      fetch: () => {
        calls.push(Date.now());
        throw new Error(`rate limited #${calls.length}`);
      },
    });
    const events: RunEvent[] = [];
    const done = run(
      config({ pipelines: { feeds: { source, partitions: ['alice'], sink: memorySinkWith(store) } } }),
      { onEvent: (e) => events.push(e) },
    );
    await vi.advanceTimersByTimeAsync(599_999);
    expect(calls).toEqual([0, 150_000, 300_000, 450_000]);
    await vi.advanceTimersByTimeAsync(1);
    const summary = await done;

    expect(calls).toEqual([0, 150_000, 300_000, 450_000, 600_000]);
    expect(summary.status).toBe('failed');
    expect(summary.tasks[0]?.status).toBe('failed');
    expect(summary.tasks[0]?.error?.message).toBe('rate limited #5');
    expect(summary.tasks[0]?.retries).toBe(4);
    const retries = events.filter((e) => e.type === 'retry-scheduled');
    expect(retries.map((e) => [e.attempt, e.maxAttempts, e.delayMs])).toEqual([
      [1, 5, 150_000],
      [2, 5, 150_000],
      [3, 5, 150_000],
      [4, 5, 150_000],
    ]);
    expect(store.aborted).toEqual(['feeds/alice']);
    expect(store.committed.size).toBe(0);
  });

  it('succeeds when a retry succeeds, keeping every page exactly once', async () => {
    vi.useFakeTimers({ now: 0 });
    let failures = 2;
    const pages = countingPages(250, 100);
    const store = newMemoryStore();
    const source = memorySourceWith({
      fetch: (r) => {
        if (r.cursor === '100' && failures-- > 0) throw new Error('503');
        return pages(r);
      },
    });
    const done = run(config({ pipelines: { feeds: { source, partitions: ['alice'], sink: memorySinkWith(store) } } }));
    await vi.advanceTimersByTimeAsync(300_000);
    const summary = await done;
    expect(summary.status).toBe('succeeded');
    expect(store.committed.get('feeds/alice')?.map((r) => (r as { n: number }).n)).toEqual([...Array(250).keys()]);
  });

  it('calls a non-retryable error once and fails at once', async () => {
    vi.useFakeTimers({ now: 0 });
    const calls: number[] = [];
    const source = memorySourceWith({
      fetch: () => {
        calls.push(Date.now());
        throw Object.assign(new Error('Profile not found'), { status: 400 });
      },
      isRetryable: (e) => (e as { status?: number }).status !== 400,
    });
    const summary = await run(config({ pipelines: { feeds: { source, partitions: ['alice'], sink: memorySinkWith(newMemoryStore()) } } }));
    expect(calls).toEqual([0]);
    expect(summary.tasks[0]).toMatchObject({ status: 'failed', retries: 0, error: { message: 'Profile not found', status: 400 } });
  });

  it('follows a per-pipeline policy override', async () => {
    vi.useFakeTimers({ now: 0 });
    const calls: number[] = [];
    const source = memorySourceWith({
      fetch: () => {
        calls.push(Date.now());
        throw new Error('boom');
      },
    });
    const done = run(config({
      pipelines: {
        feeds: {
          source,
          partitions: ['alice'],
          sink: memorySinkWith(newMemoryStore()),
          policy: { retry: { attempts: 3, backoff: { constant: '10s' } } },
        },
      },
    }));
    await vi.advanceTimersByTimeAsync(20_000);
    const summary = await done;
    expect(calls).toEqual([0, 10_000, 20_000]);
    expect(summary.tasks[0]?.status).toBe('failed');
  });
});

describe('concurrency', () => {
  it('never has two calls in flight on a shared source, with a group limit of 3', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let tasksOpen = 0;
    let maxTasksOpen = 0;
    const pages = countingPages(5, 1);
    const source = memorySourceWith({
      fetch: async (r) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return pages(r);
      },
    });
    const store = newMemoryStore();
    store.onOpen = () => {
      tasksOpen++;
      maxTasksOpen = Math.max(maxTasksOpen, tasksOpen);
    };
    store.onClose = () => tasksOpen--;
    const sink = memorySinkWith(store);
    const summary = await run(config({
      concurrency: { limit: 10, groups: { g: 3 } },
      pipelines: {
        a: { source, partitions: ['p1', 'p2', 'p3', 'p4'], sink, group: 'g' },
        b: { source, partitions: ['q1', 'q2'], sink, group: 'g' },
      },
    }));
    expect(summary.status).toBe('succeeded');
    expect(maxTasksOpen).toBe(3); // the group really ran three tasks at once...
    expect(maxInFlight).toBe(1); // ...yet the shared source saw one call at a time
    expect(store.committed.size).toBe(6);
  });

  it('holds the global limit and each group limit exactly, over many tasks', async () => {
    const running = new Map<string, number>();
    const max = new Map<string, number>();
    const bump = (key: string, by: number) => {
      const now = (running.get(key) ?? 0) + by;
      running.set(key, now);
      max.set(key, Math.max(max.get(key) ?? 0, now));
    };
    const store = newMemoryStore();
    store.onOpen = (taskId) => {
      bump('all', 1);
      bump(taskId.startsWith('a') ? 'a' : 'b', 1);
    };
    store.onClose = (taskId) => {
      bump('all', -1);
      bump(taskId.startsWith('a') ? 'a' : 'b', -1);
    };
    const pages = countingPages(3, 1);
    const slow = () => memorySourceWith({ fetch: async (r) => { await new Promise((res) => setTimeout(res, 1)); return pages(r); } });
    const parts = (prefix: string) => Array.from({ length: 12 }, (_, i) => `${prefix}${i}`);
    const events: RunEvent[] = [];
    const summary = await run(config({
      concurrency: { limit: 2, groups: { a: 2, b: 1 } },
      pipelines: {
        a1: { source: slow(), partitions: parts('x'), sink: memorySinkWith(store), group: 'a' },
        b1: { source: slow(), partitions: parts('y'), sink: memorySinkWith(store), group: 'b' },
        a2: { source: slow(), partitions: parts('z'), sink: memorySinkWith(store), group: 'a' },
      },
      policy: { bulkhead: 4 },
    }), { onEvent: (e) => events.push(e) });
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks).toHaveLength(36);
    expect(max.get('all')).toBe(2);
    expect(max.get('a')).toBe(2);
    expect(max.get('b')).toBe(1);
    expect(events.some((e) => e.type === 'task-waiting' && e.group === 'b' && e.limit === 1)).toBe(true);
  });

  it('starts tasks in config order under a limit of 1', async () => {
    const started: string[] = [];
    const store = newMemoryStore();
    store.onOpen = (taskId) => started.push(taskId);
    const source = memorySourceWith({ fetch: countingPages(1, 1) });
    await run(config({
      pipelines: {
        second: { source, partitions: ['b', 'a'], sink: memorySinkWith(store) },
        first: { source, partitions: ['c'], sink: memorySinkWith(store) },
      },
    }));
    expect(started).toEqual(['second/b', 'second/a', 'first/c']);
  });
});

describe('streaming', () => {
  it('moves 200k records holding at most two pages, with backpressure from a slow sink', async () => {
    const pageSize = 1000;
    const pages = countingPages(200_000, pageSize);
    let fetched = 0;
    let written = 0;
    let maxOutstanding = 0;
    const source = memorySourceWith({
      fetch: (r) => {
        fetched++;
        return pages(r);
      },
    });
    const store = newMemoryStore();
    store.onWrite = async (_task, records) => {
      // Pages fetched but not yet written, counting the one being written now.
      maxOutstanding = Math.max(maxOutstanding, fetched - written);
      await new Promise((resolve) => setImmediate(resolve));
      written++;
      expect(records).toHaveLength(pageSize);
    };
    const summary = await run(config({ pipelines: { big: { source, partitions: ['p'], sink: memorySinkWith(store) } } }));
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 200_000, pages: 200 });
    expect(written).toBe(200);
    expect(maxOutstanding).toBe(2);
    const committed = store.committed.get('big/p') as { n: number }[];
    expect(committed).toHaveLength(200_000);
    expect(committed[199_999]?.n).toBe(199_999);
  });

  it('stops on a missing cursor or on an empty page', async () => {
    const calls: (string | undefined)[] = [];
    const source = memorySourceWith({
      fetch: ({ cursor }) => {
        calls.push(cursor);
        if (!cursor) return { records: [1, 2], cursor: 'c1' };
        return { records: [], cursor: 'c2' }; // a cursor on an empty page: the real AppView does this
      },
    });
    const store = newMemoryStore();
    const summary = await run(config({ pipelines: { p: { source, partitions: ['x'], sink: memorySinkWith(store) } } }));
    expect(calls).toEqual([undefined, 'c1']);
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', pages: 2, records: 2 });
  });

  it('fails a task whose source repeats its cursor instead of looping', async () => {
    const source = memorySourceWith({ fetch: () => ({ records: [1], cursor: 'same' }) });
    const store = newMemoryStore();
    const summary = await run(config({ pipelines: { p: { source, partitions: ['x'], sink: memorySinkWith(store) } } }));
    expect(summary.tasks[0]?.error?.message).toMatch(/same cursor/);
    expect(store.aborted).toEqual(['p/x']);
  });

  it('transforms records and drops those mapped to undefined', async () => {
    const source = memorySourceWith({ fetch: countingPages(10, 4) });
    const store = newMemoryStore();
    await run(config({
      pipelines: {
        p: {
          source,
          partitions: ['x'],
          sink: memorySinkWith(store),
          transform: (r: { n: number }, ctx: { partition: string }) => (r.n % 2 === 0 ? `${ctx.partition}:${r.n}` : undefined),
        },
      },
    }));
    expect(store.committed.get('p/x')).toEqual(['x:0', 'x:2', 'x:4', 'x:6', 'x:8']);
  });
});

describe('failures and aborts', () => {
  it('a failed task does not stop the others, and its sink writer is aborted', async () => {
    const pages = countingPages(3, 2);
    const source = memorySourceWith({
      fetch: (r) => {
        if (r.partition === 'broken' && r.cursor) throw Object.assign(new Error('bad request'), { status: 400 });
        return pages(r);
      },
      isRetryable: () => false,
    });
    const store = newMemoryStore();
    const summary = await run(config({ pipelines: { p: { source, partitions: ['ok1', 'broken', 'ok2'], sink: memorySinkWith(store) } } }));
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((t) => t.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect([...store.committed.keys()]).toEqual(['p/ok1', 'p/ok2']);
    expect(store.aborted).toEqual(['p/broken']);
  });

  it('aborting during a 150 s backoff ends the run at once and aborts the writer', async () => {
    vi.useFakeTimers({ now: 0 });
    const controller = new AbortController();
    const source = memorySourceWith({ fetch: () => { throw new Error('429'); } });
    const store = newMemoryStore();
    const done = run(
      config({ pipelines: { p: { source, partitions: ['a', 'b'], sink: memorySinkWith(store) } } }),
      { signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(10_000);
    controller.abort();
    const summary = await done;
    expect(summary.status).toBe('aborted');
    expect(summary.tasks.map((t) => t.status)).toEqual(['aborted', 'aborted']);
    expect(store.aborted).toEqual(['p/a']);
    expect(store.committed.size).toBe(0);
  });

  it('redacts secret option values from error messages', async () => {
    const token = 'hunter2-secret-token';
    const source = memorySourceWith({ fetch: () => { throw new Error(`401 for token ${token}`); }, isRetryable: () => false }, { token });
    const events: RunEvent[] = [];
    const summary = await run(
      config({ pipelines: { p: { source, partitions: ['a'], sink: memorySinkWith(newMemoryStore()) } } }),
      { onEvent: (e) => events.push(e) },
    );
    expect(summary.tasks[0]?.error?.message).toBe('401 for token ***');
    expect(JSON.stringify(events)).not.toContain(token);
  });
});
