// One core-throughput case in a process of its own (so its CPU and peak RSS are the framework's alone):
// in-memory plugins written against the public plugin API, run through the real runPipelines (planner,
// scheduler, retry + bulkhead policy, lookahead, events) with no state. Prints one JSON line.
// Usage: node core-throughput-worker.js '<ThroughputCase as JSON>'
import { defineConfig, defineSink, defineSource, type RunEvent, type RunSummary } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';

export type ThroughputCase =
  /** One partition of `records` records, `pageSize` per page. */
  | { readonly kind: 'records'; readonly records: number; readonly pageSize: number }
  /** `partitions` partitions of one record each, `concurrency` tasks at once: the per-task overhead. */
  | { readonly kind: 'tasks'; readonly partitions: number; readonly concurrency: number };

export interface ThroughputResult {
  readonly tasks: number;
  readonly pages: number;
  readonly records: number;
  readonly events: number;
  /** Time inside runPipelines, without process start-up and imports. */
  readonly runMs: number;
  readonly runCpuMs: number;
}

interface BenchRecord {
  readonly id: number;
  readonly partition: string;
  readonly value: number;
}

const countingSource = defineSource({
  name: 'bench.counting',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['records', 'pageSize'],
    properties: { records: { type: 'integer', minimum: 0 }, pageSize: { type: 'integer', minimum: 1 } },
  },
  create: ({ records, pageSize }) => ({
    // The cursor is the next offset; records are made per page, as a source decoding a response would.
    async fetchPage({ partition, cursor }) {
      const from = cursor === undefined ? 0 : Number(cursor);
      const to = Math.min(records, from + pageSize);
      const page: BenchRecord[] = [];
      for (let id = from; id < to; id++) page.push({ id, partition, value: id * 2 });
      return { records: page, cursor: to < records ? String(to) : undefined };
    },
  }),
});

/** What the sink saw of one partition: the harness checks it, so a run that lost records fails. */
const received = new Map<string, { count: number; idSum: number }>();

const countingSink = defineSink({
  name: 'bench.counting',
  options: { type: 'object', additionalProperties: false },
  create: () => ({
    async open(task) {
      let count = 0;
      let idSum = 0;
      return {
        // A sink touches every record it writes; summing ids also proves none was lost or repeated.
        async write(records: readonly unknown[]) {
          for (const record of records) idSum += (record as BenchRecord).id;
          count += records.length;
        },
        async commit() {
          received.set(task.partition, { count, idSum });
          return { outputs: [{ location: `memory://${task.pipeline}/${task.partition}`, records: count }] };
        },
        async abort() {},
      };
    },
  }),
});

/** What a progress renderer does per event: count, keep a per-task line current. */
function rendererLike(): { listener: (event: RunEvent) => void; readonly events: number } {
  const lines = new Map<string, string>();
  let events = 0;
  return {
    listener(event) {
      events++;
      if (event.type === 'page-fetched') lines.set(event.taskId, `${event.partition}: page ${event.page}, ${event.totalRecords} records`);
      else if (event.type === 'task-succeeded') lines.set(event.taskId, `${event.partition}: ${event.summary.records} records`);
    },
    get events() {
      return events;
    },
  };
}

function configFor(request: ThroughputCase) {
  const records = request.kind === 'records' ? request.records : 1;
  const pageSize = request.kind === 'records' ? request.pageSize : 1;
  const partitions = request.kind === 'records' ? ['p0'] : Array.from({ length: request.partitions }, (_, i) => `p${i}`);
  return defineConfig({
    concurrency: { limit: request.kind === 'tasks' ? request.concurrency : 1 },
    pipelines: { bench: { source: countingSource({ records, pageSize }), partitions, sink: countingSink({}) } },
  });
}

function check(request: ThroughputCase, summary: RunSummary): void {
  if (summary.status !== 'succeeded') throw new Error(`the run ${summary.status}: ${JSON.stringify(summary.tasks.find((t) => t.error)?.error ?? summary.errors)}`);
  const perPartition = request.kind === 'records' ? request.records : 1;
  const expectedTasks = request.kind === 'records' ? 1 : request.partitions;
  if (summary.tasks.length !== expectedTasks || received.size !== expectedTasks) {
    throw new Error(`expected ${expectedTasks} committed tasks, the summary has ${summary.tasks.length} and the sink committed ${received.size}`);
  }
  const idSum = (perPartition * (perPartition - 1)) / 2;
  for (const [partition, seen] of received) {
    if (seen.count !== perPartition || seen.idSum !== idSum) throw new Error(`${partition}: the sink received ${seen.count} records (id sum ${seen.idSum}), expected ${perPartition} (${idSum})`);
  }
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as ThroughputCase;
  const config = validateConfig(configFor(request), 'bench.config.ts');
  const renderer = rendererLike();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const summary = await runPipelines(config, { state: false, onEvent: renderer.listener });
  const runMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  check(request, summary);
  const result: ThroughputResult = {
    tasks: summary.tasks.length,
    pages: summary.tasks.reduce((sum, t) => sum + t.pages, 0),
    records: summary.tasks.reduce((sum, t) => sum + t.records, 0),
    events: renderer.events,
    runMs,
    runCpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
