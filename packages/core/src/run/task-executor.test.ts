import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate-config.js';
import type { RunEvent } from '../events/run-events.js';
import type { SourceCallGate } from '../policy/source-policy.js';
import { fromPipeline } from '../config/partitions-from.js';
import { countingPages, memorySinkWith, memorySourceWith, newMemoryStore } from '../test-support/memory-plugins.js';
import { runPipelines } from './run-pipelines.js';
import { TaskHost, type TaskContext, type TaskExecutor, type TaskOutcome, type TaskRequest } from './task-host.js';

const config = (raw: unknown) => validateConfig(raw, 'test.config.ts');

/** Runs tasks in this process through a TaskHost, like a worker would, and records what it was asked. */
class RecordingExecutor implements TaskExecutor {
  readonly requests: TaskRequest[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  constructor(
    readonly holdsLimits: boolean,
    private readonly host: TaskHost,
    private readonly failing = new Set<string>(),
  ) {}

  async execute(request: TaskRequest, context: TaskContext): Promise<TaskOutcome> {
    this.requests.push(request);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (this.failing.has(request.partition)) throw new Error(`the queue lost ${request.partition}`);
      // Through JSON, as across a process boundary.
      return JSON.parse(JSON.stringify(await this.host.execute(JSON.parse(JSON.stringify(request)) as TaskRequest, context))) as TaskOutcome;
    } finally {
      this.inFlight--;
    }
  }
}

describe('runPipelines with a task executor', () => {
  it('hands every ready task at once to an executor that holds the limits, and records what it reports', async () => {
    const store = newMemoryStore();
    const cfg = config({
      concurrency: { limit: 1 },
      pipelines: { feeds: { source: memorySourceWith({ fetch: countingPages(30, 10) }), partitions: ['a', 'b', 'c', 'd'], sink: memorySinkWith(store) } },
    });
    const executor = new RecordingExecutor(true, new TaskHost(cfg));
    const events: RunEvent[] = [];
    const summary = await runPipelines(cfg, { state: false, executor, runId: 'r1', onEvent: (e) => events.push(e) });

    expect(executor.maxInFlight).toBe(4); // the run's own limit of 1 is the executor's business
    expect(executor.requests.map((r) => [r.runId, r.pipeline, r.partition])).toEqual([
      ['r1', 'feeds', 'a'],
      ['r1', 'feeds', 'b'],
      ['r1', 'feeds', 'c'],
      ['r1', 'feeds', 'd'],
    ]);
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => [t.taskId, t.records, t.pages])).toEqual([
      ['feeds/a', 30, 3],
      ['feeds/b', 30, 3],
      ['feeds/c', 30, 3],
      ['feeds/d', 30, 3],
    ]);
    expect(events.filter((e) => e.type === 'page-fetched')).toHaveLength(12);
    expect(store.committed.get('feeds/c')).toHaveLength(30);
  });

  it('keeps scheduling itself for an executor that does not hold the limits', async () => {
    const cfg = config({
      concurrency: { limit: 1 },
      pipelines: { feeds: { source: memorySourceWith({ fetch: countingPages(5, 10) }), partitions: ['a', 'b', 'c'], sink: memorySinkWith(newMemoryStore()) } },
    });
    const executor = new RecordingExecutor(false, new TaskHost(cfg));
    await runPipelines(cfg, { state: false, executor });
    expect(executor.maxInFlight).toBe(1);
  });

  it('fails only the task an executor could not run, with its reason, and the run goes on', async () => {
    const cfg = config({
      pipelines: { feeds: { source: memorySourceWith({ fetch: countingPages(5, 10) }), partitions: ['a', 'b'], sink: memorySinkWith(newMemoryStore()) } },
    });
    const events: RunEvent[] = [];
    const summary = await runPipelines(cfg, { state: false, executor: new RecordingExecutor(true, new TaskHost(cfg), new Set(['a'])), onEvent: (e) => events.push(e) });
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((t) => [t.partition, t.status, t.error?.message])).toEqual([
      ['a', 'failed', 'the queue lost a'],
      ['b', 'succeeded', undefined],
    ]);
    expect(events.filter((e) => e.type === 'task-failed').map((e) => e.partition)).toEqual(['a']);
  });

  it('asks upstream tasks to collect partition keys for the pipelines they feed, and plans those from the outcomes', async () => {
    const store = newMemoryStore();
    const members = memorySourceWith({ fetch: () => ({ records: [{ did: 'did:x:1' }, { did: 'did:x:2' }] }) });
    const cfg = config({
      pipelines: {
        members: { source: members, partitions: ['pack'], sink: memorySinkWith(store) },
        feeds: { source: memorySourceWith({ fetch: countingPages(3, 10) }), partitions: fromPipeline('members', (r: { did: string }) => r.did), sink: memorySinkWith(store) },
      },
    });
    const executor = new RecordingExecutor(true, new TaskHost(cfg));
    const summary = await runPipelines(cfg, { state: false, executor });
    expect(executor.requests.map((r) => [r.pipeline, r.partition, r.collectFor])).toEqual([
      ['members', 'pack', ['feeds']],
      ['feeds', 'did:x:1', []],
      ['feeds', 'did:x:2', []],
    ]);
    expect(summary.tasks.map((t) => t.taskId)).toEqual(['members/pack', 'feeds/did:x:1', 'feeds/did:x:2']);
  });
});

describe('TaskHost', () => {
  it('passes every source call of a task through the gate its factory makes, keyed by the pipelines sharing the source', async () => {
    const gated: string[] = [];
    const gates = ({ key, limit }: { key: string; limit: number }): SourceCallGate => ({
      execute: async (fn) => {
        gated.push(`${key} (${limit})`);
        return fn();
      },
    });
    const source = memorySourceWith({ fetch: countingPages(25, 10) });
    const cfg = config({
      pipelines: {
        one: { source, partitions: ['a'], sink: memorySinkWith(newMemoryStore()), policy: { bulkhead: 3 } },
        two: { source, partitions: ['b'], sink: memorySinkWith(newMemoryStore()), policy: { bulkhead: 2 } },
      },
    });
    const host = new TaskHost(cfg, { gates });
    const outcome = await host.execute({ runId: 'r', runStartedAt: new Date(0).toISOString(), pipeline: 'two', partition: 'b', collectFor: [] }, { emit: () => undefined, signal: new AbortController().signal });
    expect(outcome.summary.status).toBe('succeeded');
    expect(outcome.summary.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(gated).toEqual(Array(3).fill('test.memorySource@one,two (2)'));
    await host.close();
  });
});
