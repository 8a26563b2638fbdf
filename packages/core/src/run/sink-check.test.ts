import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate-config.js';
import { countingPages, memorySinkWith, memorySourceWith, newMemoryStore } from '../test-support/memory-plugins.js';
import { checkPlugins } from './check-plugins.js';
import { runPipelines } from './run-pipelines.js';

/** A memory sink whose instance has a `check()` (and a `finishRun`) that count their calls. */
function checkedSink(check: () => Promise<void | { unverified: string }>) {
  const store = newMemoryStore();
  const spec = memorySinkWith(store);
  const calls = { check: 0, finishRun: 0 };
  const sink = {
    ...spec,
    definition: {
      ...spec.definition,
      create: () => ({
        ...(spec.definition.create() as object),
        check: async () => {
          calls.check++;
          return check();
        },
        finishRun: async () => {
          calls.finishRun++;
          return [];
        },
      }),
    },
  };
  return { sink, store, calls };
}

describe('sink check before the first page', () => {
  it('runs once per sink instance; a failure fails every task of that sink before any source call', async () => {
    const { sink, store, calls } = checkedSink(async () => {
      throw new Error('mem://nowhere: no such bucket');
    });
    let fetches = 0;
    const source = memorySourceWith({ fetch: (request) => (fetches++, countingPages(1, 2)(request)) });
    const config = validateConfig({ pipelines: { a: { source, partitions: ['x', 'y'], sink }, b: { source, partitions: ['z'], sink } } }, 'test.config.ts');
    const summary = await runPipelines(config, { state: false });
    expect(calls.check).toBe(1);
    expect(fetches).toBe(0);
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((t) => [t.taskId, t.status, t.error?.message])).toEqual([
      ['a/x', 'failed', 'mem://nowhere: no such bucket'],
      ['a/y', 'failed', 'mem://nowhere: no such bucket'],
      ['b/z', 'failed', 'mem://nowhere: no such bucket'],
    ]);
    expect(calls.finishRun).toBe(0);
    expect(store.committed.size).toBe(0);
  });

  it('a passing check lets the run go on as before, still once', async () => {
    const { sink, store, calls } = checkedSink(async () => undefined);
    const source = memorySourceWith({ fetch: countingPages(2, 3) });
    const config = validateConfig({ pipelines: { a: { source, partitions: ['x', 'y'], sink } } }, 'test.config.ts');
    const summary = await runPipelines(config, { state: false });
    expect(summary.status).toBe('succeeded');
    expect(calls).toEqual({ check: 1, finishRun: 1 });
    expect([...store.committed.keys()].sort()).toEqual(['a/x', 'a/y']);
  });

  it('an unverified check lets the run go on, and etl check reports it as unverified, not failed', async () => {
    const { sink, store, calls } = checkedSink(async () => ({ unverified: 'mem://box: looking was denied' }));
    const source = memorySourceWith({ fetch: countingPages(2, 3) });
    const config = validateConfig({ pipelines: { a: { source, partitions: ['x'], sink } } }, 'test.config.ts');
    const summary = await runPipelines(config, { state: false });
    expect(summary.status).toBe('succeeded');
    expect([...store.committed.keys()]).toEqual(['a/x']);
    expect(await checkPlugins(config)).toEqual([
      { kind: 'source', plugin: source.definition.name, pipelines: ['a'], status: 'unchecked' },
      { kind: 'sink', plugin: sink.definition.name, pipelines: ['a'], status: 'unverified', message: 'mem://box: looking was denied' },
    ]);
    expect(calls.check).toBe(2);
  });
});
