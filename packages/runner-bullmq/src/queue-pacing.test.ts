// Rate-limit pacing across workers: the server allows N calls per window; three workers share one source,
// whose knowledge of the window travels with its Redis-held bulkhead lease, so together they spend each
// window without a single 429, as one local run would.
import type { RunSummary } from '@etl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killRuns, runEtl, startWorkerProcess, stopWorkers, type WorkerProcess } from './test-support/etl-process.js';
import { startScenario, type Scenario } from './test-support/queue-scenario.js';

// Far fewer calls per window than the workers could make: the limit, not the work, sets the pace.
const WINDOW = { points: 8, durationMs: 4_000 };
let scenario: Scenario;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  scenario = await startScenario('pacing', {
    postsPerActor: [60, 60, 50, 40, 30, 30],
    inGroupA: 4,
    callDelayMs: 5,
    rateLimit: WINDOW,
    // Spend each window to the last call, and should a 429 come anyway, wait for the reset (not 150 s).
    sourceOptions: "pacing: { minRemaining: 0 }, retryAt429: 'reset'",
  });
}, 60_000);

afterAll(async () => {
  killRuns();
  await stopWorkers(workers);
  await scenario?.close();
});

describe('rate-limit pacing with etl worker processes', () => {
  it('three workers spend the server window without a 429', async () => {
    for (let i = 0; i < 3; i++) workers.push(startWorkerProcess(`pacing-${i + 1}`, ['--queue', scenario.redis.url, '--concurrency', '1'], scenario.env('paced'), scenario.dir));
    await Promise.all(workers.map((w) => w.waitFor((l) => l.type === 'ready')));
    const result = await runEtl(['run', '--json', '--queue', scenario.redis.url], scenario.env('paced'), scenario.dir);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    const calls = [...scenario.callStarts.values()].reduce((n, starts) => n + starts.length, 0);
    const windows = Math.ceil(calls / WINDOW.points);
    console.log(`${calls} feed calls (${windows} windows of ${WINDOW.points} per ${WINDOW.durationMs} ms) in ${(summary.durationMs / 1000).toFixed(1)} s`);
    expect(calls).toBeGreaterThan(3 * WINDOW.points);
    // A 429 would have been retried: no task retried anything.
    expect(summary.tasks.map((t) => [t.taskId, t.status, t.retries])).toEqual(summary.tasks.map((t) => [t.taskId, 'succeeded', 0]));
    expect(workers.filter((w) => w.lines.some((l) => l.type === 'task-started')).length).toBeGreaterThan(1);
  }, 180_000);
});
