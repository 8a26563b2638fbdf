// The queue runner end to end with real parts: Redis, `etl worker` processes, `etl run --queue`, the
// loopback AppView and s3rver. The same config run locally is the reference for the output.
import type { RunSummary, TaskSummary } from '@etl/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killRuns, runEtl, startWorkerProcess, stopWorkers, type WorkerProcess } from './test-support/etl-process.js';
import { LIMITS, startScenario, type Scenario } from './test-support/queue-scenario.js';

const CALL_DELAY_MS = 25;
let scenario: Scenario;
const workers: WorkerProcess[] = [];
/** What a local run of the same config writes: every queue run must write exactly this. */
let expected: Map<string, string>;

beforeAll(async () => {
  // 6 actors in group a, 2 in group b (which runs one at a time, so group a gets both global slots for a
  // while); 10 posts a page, so every task pages several times (and checkpoints).
  scenario = await startScenario('runner', { postsPerActor: [64, 31, 90, 7, 55, 78, 12, 0], inGroupA: 6, callDelayMs: CALL_DELAY_MS });
  const local = await runEtl(['run', '--json'], scenario.env('local'), scenario.dir);
  expect(local.code, local.stderr).toBe(0);
  expected = await scenario.objects('local');
  expect(expected.size).toBeGreaterThan(8);
}, 90_000);

afterEach(async () => {
  killRuns();
  await stopWorkers(workers.splice(0));
});

afterAll(async () => {
  await scenario?.close();
});

/** Each test has its own Redis database, so nothing one leaves in its queues reaches the next. */
const queueOf = (prefix: string) => `${scenario.redis.url}/${['queued', 'crashed', 'restarted'].indexOf(prefix) + 1}`;

function startWorkers(count: number, prefix: string): WorkerProcess[] {
  // One task of each group per worker: group a reaching its limit of 2 then takes two workers.
  const started = Array.from({ length: count }, (_, i) => startWorkerProcess(`${prefix}-${workers.length + i + 1}`, ['--queue', queueOf(prefix), '--concurrency', '1'], scenario.env(prefix), scenario.dir));
  workers.push(...started);
  return started;
}

const summaryOf = (stdout: string): RunSummary => JSON.parse(stdout) as RunSummary;

/** The objects under `prefix` equal the local run's: same keys, same bytes (differences listed briefly). */
async function expectSameOutput(prefix: string): Promise<void> {
  const actual = await scenario.objects(prefix);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  const differing = [...expected].filter(([key, body]) => actual.get(key) !== body).map(([key, body]) => `${key}: ${actual.get(key)?.split('\n').length} lines, expected ${body.split('\n').length}`);
  expect(differing).toEqual([]);
}

/** The most tasks running at once among `tasks`, from when each started and how long it ran. */
function maxOverlap(tasks: readonly TaskSummary[]): number {
  const edges = tasks.flatMap((t) => {
    const start = Date.parse(t.startedAt ?? '');
    return [
      { at: start, delta: 1 },
      { at: start + t.durationMs, delta: -1 },
    ];
  });
  // An end and a start at the same millisecond do not overlap.
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta);
  let running = 0;
  let max = 0;
  for (const edge of edges) max = Math.max(max, (running += edge.delta));
  return max;
}

/** The shortest time between two calls for these actors beginning. */
function minCallGap(actors: readonly string[], since: number): number {
  const starts = actors.flatMap((a) => scenario.callStarts.get(a) ?? []).filter((t) => t >= since).sort((x, y) => x - y);
  // Without calls there is no gap to measure, and the check below would pass on nothing.
  expect(starts.length, 'no getAuthorFeed call was logged for these actors').toBeGreaterThan(actors.length);
  let min = Infinity;
  for (let i = 1; i < starts.length; i++) min = Math.min(min, (starts[i] as number) - (starts[i - 1] as number));
  return min;
}

describe('etl run --queue with etl worker processes', () => {
  it('holds the group and global limits and each source bulkhead across 3 workers, and writes what a local run writes', async () => {
    const fleet = startWorkers(3, 'queued');
    // All listening before the first job: else the first one ready could take every task.
    await Promise.all(fleet.map((w) => w.waitFor((l) => l.type === 'ready')));
    // Group a reaching its limit is forced, not left to timing: no task of group a can write (so none can
    // finish) until two of them are fetching. Group b's limit of 1 and the global 2 follow from that.
    const groupA = scenario.holdWritesUntilCalled('queued/a/', scenario.actorsA, LIMITS.a, 90_000);
    const since = Date.now();
    const queued = await runEtl(['run', '--json', '--queue', queueOf('queued')], scenario.env('queued'), scenario.dir);
    expect(queued.code, queued.stderr).toBe(0);
    const summary = summaryOf(queued.stdout);
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks).toHaveLength(8);

    expect(groupA.failure, 'the queue runner never ran two tasks of group a at once').toBeUndefined();
    const tasksOf = (pipeline: string) => summary.tasks.filter((t) => t.pipeline === pipeline);
    const observed = { global: maxOverlap(summary.tasks), a: maxOverlap(tasksOf('feedsA')), b: maxOverlap(tasksOf('feedsB')) };
    console.log(`queue run: ${(summary.durationMs / 1000).toFixed(1)} s; most tasks at once: ${JSON.stringify(observed)} (limits ${JSON.stringify(LIMITS)})`);
    expect(observed).toEqual(LIMITS);
    // The tasks ran on more than one worker, or the limits above would prove nothing about sharing.
    const ranOn = workers.filter((w) => w.lines.some((l) => l.type === 'task-started'));
    expect(ranOn.length).toBeGreaterThan(1);

    // The pipelines share one source with a bulkhead of 1: never two of its calls at once, whichever worker made them.
    expect(minCallGap([...scenario.actorsA, ...scenario.actorsB], since)).toBeGreaterThanOrEqual(CALL_DELAY_MS - 2);

    await expectSameOutput('queued');
    // The run is in the run history like a local one.
    const runs = await runEtl(['runs', '--json'], scenario.env('queued'), scenario.dir);
    expect(runs.stdout).toContain(summary.runId);
  }, 180_000);

  // BullMQ's defaults would leave a dead worker's job locked for about a minute; with lockDuration 4 s and a
  // 1 s stall check another worker takes it after ~5 s. The bounds leave room for a loaded 2-core machine,
  // where starting the sandboxed task process cold takes seconds more.
  it('redelivers the task of a SIGKILLed worker to another within 15 s, at several points, and writes every task exactly once', async () => {
    const prefix = 'crashed';
    startWorkers(3, prefix);
    const run = runEtl(['run', '--json', '--queue', queueOf(prefix)], scenario.env(prefix), scenario.dir);
    const live = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const redeliveries: string[] = [];
    let after = new Date().toISOString();
    // Killed right after a task's 1st, 2nd and 3rd page: before its first checkpoint (every 2 pages), just
    // after it, and after it with a page written since. Whatever work is left when the run ends is not killed.
    for (const page of [1, 2, 3]) {
      const seen = await Promise.race([
        ...live().map((w) => w.waitFor((l) => l.type === 'task-page' && (l.page ?? 0) >= page && l.at > after, 120_000).then((line) => ({ worker: w, line }))),
        run.then(() => undefined),
      ]);
      if (!seen) break;
      seen.worker.child.kill('SIGKILL');
      const killedAt = Date.now();
      startWorkers(1, prefix);
      const again = await Promise.race(
        live().map((w) => w.waitFor((l) => l.type === 'task-started' && l.taskId === seen.line.taskId && Date.parse(l.at) > killedAt, 40_000)),
      );
      const seconds = (Date.parse(again.at) - killedAt) / 1000;
      const taken = workers.flatMap((w) => w.lines).find((l) => l.type === 'task-taken' && l.taskId === seen.line.taskId && Date.parse(l.at) > killedAt);
      expect(taken, `no worker reported taking ${seen.line.taskId} again`).toBeDefined();
      const takenSeconds = (Date.parse(taken?.at ?? '') - killedAt) / 1000;
      redeliveries.push(`${seen.line.taskId} killed after page ${seen.line.page}: taken by a worker after ${takenSeconds.toFixed(1)} s, running again after ${seconds.toFixed(1)} s`);
      expect(takenSeconds).toBeLessThanOrEqual(15);
      expect(seconds).toBeLessThanOrEqual(30);
      after = again.at;
    }
    expect(redeliveries.length).toBeGreaterThanOrEqual(2);
    console.log(`redelivery after SIGKILL:\n  ${redeliveries.join('\n  ')}`);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(summaryOf(result.stdout).tasks.every((t) => t.status === 'succeeded')).toBe(true);
    // Same objects, same lines as the local run: no duplicate, no partial, no orphaned part.
    await expectSameOutput(prefix);
  }, 240_000);

  it('goes on when Redis restarts mid-run: workers and the run reconnect and the run completes', async () => {
    const prefix = 'restarted';
    const fleet = startWorkers(2, prefix);
    const run = runEtl(['run', '--json', '--queue', queueOf(prefix)], scenario.env(prefix), scenario.dir);
    await Promise.race(fleet.map((w) => w.waitFor((l) => l.type === 'task-page')));
    await scenario.redis.restart(1_000);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(summaryOf(result.stdout).status).toBe('succeeded');
    await expectSameOutput(prefix);
  }, 180_000);
});
