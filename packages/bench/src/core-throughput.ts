// Core throughput (issue #9, 2): records/s of the framework itself, in-memory source and sink through the
// real runPipelines, for one partition of 1M records in small and in large pages, and tasks/s for 10,000
// one-record partitions (plan-scale's case). Each case runs in its own process (core-throughput-worker.ts);
// the rate is taken over runPipelines only, so process start-up does not dilute it.
import { fileURLToPath } from 'node:url';
import { goal, type Benchmark, type BenchRow, type Figure } from './bench-report.js';
import type { ThroughputCase, ThroughputResult } from './core-throughput-worker.js';
import { assertSucceeded, MB, measureChild, type Measurement } from './measure-child.js';

const NAME = 'core throughput';
const GOAL_RECORDS_PER_SECOND = 500_000;
const worker = fileURLToPath(new URL('./core-throughput-worker.js', import.meta.url));

interface Sample {
  readonly measurement: Measurement;
  readonly result: ThroughputResult;
}

async function runCase(request: ThroughputCase): Promise<Sample> {
  const label = `${NAME} worker ${JSON.stringify(request)}`;
  const measurement = assertSucceeded(label, await measureChild({ script: worker, args: [JSON.stringify(request)] }));
  const line = measurement.stdout.trim().split('\n').at(-1) ?? '';
  return { measurement, result: JSON.parse(line) as ThroughputResult };
}

/** The median run by time: on a shared 2-core machine one slow run says more about neighbours than about us. */
async function medianOf(runs: number, request: ThroughputCase): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runCase(request));
  samples.sort((a, b) => a.result.runMs - b.result.runMs);
  return samples[Math.floor(samples.length / 2)] as Sample;
}

function processFigures({ measurement, result }: Sample): Figure[] {
  return [
    { name: 'run', value: Math.round(result.runMs), unit: 'ms' },
    // The run's own CPU: on a busy machine `run` also counts time spent waiting for a core.
    { name: 'run CPU', value: Math.round(result.runCpuMs), unit: 'ms' },
    { name: 'process wall', value: Math.round(measurement.wallMs), unit: 'ms' },
    { name: 'process CPU', value: Math.round(measurement.cpuMs), unit: 'ms' },
    { name: 'peak RSS', value: Math.round(measurement.maxRssBytes / MB), unit: 'MB' },
  ];
}

function recordsRow(request: Extract<ThroughputCase, { kind: 'records' }>, sample: Sample): BenchRow {
  const rate = Math.round(sample.result.records / (sample.result.runMs / 1000));
  return {
    benchmark: NAME,
    case: `${request.records.toLocaleString('en-US')} records, ${request.pageSize.toLocaleString('en-US')}/page`,
    figures: [{ name: 'records/s', value: rate, unit: '' }, ...processFigures(sample)],
    goal: goal('records/s', '>=', GOAL_RECORDS_PER_SECOND, rate),
  };
}

function tasksRow(request: Extract<ThroughputCase, { kind: 'tasks' }>, sample: Sample): BenchRow {
  return {
    benchmark: NAME,
    case: `${request.partitions.toLocaleString('en-US')} partitions x 1 record, ${request.concurrency} at once`,
    figures: [{ name: 'tasks/s', value: Math.round(sample.result.tasks / (sample.result.runMs / 1000)), unit: '' }, ...processFigures(sample)],
  };
}

export const benchmark: Benchmark = async ({ smoke }) => {
  const records = smoke ? 50_000 : 1_000_000;
  const runs = smoke ? 1 : 3;
  const recordCases = [
    { kind: 'records', records, pageSize: 100 },
    { kind: 'records', records, pageSize: 10_000 },
  ] as const;
  const taskCase = { kind: 'tasks', partitions: smoke ? 1_000 : 10_000, concurrency: 16 } as const;

  const rows: BenchRow[] = [];
  for (const request of recordCases) rows.push(recordsRow(request, await medianOf(runs, request)));
  rows.push(tasksRow(taskCase, await medianOf(runs, taskCase)));
  return rows;
};
