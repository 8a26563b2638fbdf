// One memory-flat case in a process of its own, so its peak RSS is the framework's and not s3rver's: one
// partition of generated ~1 KB feed-like records through the real runPipelines into the real s3Sink (gzip)
// on the endpoint given (credentials from the environment, as in production). Prints one JSON line.
// Usage: node memory-flat-worker.js '<MemoryCase as JSON>'
import { defineConfig, defineSource } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import { s3Sink } from '@etl/sink-s3';
import { feedLikeRecords } from './feed-like-records.js';

export interface MemoryCase {
  readonly endpoint: string;
  readonly bucket: string;
  readonly partition: string;
  readonly records: number;
  readonly pageSize: number;
}

export interface MemoryResult {
  /** Records in the committed object, as the sink reported them in the run summary. */
  readonly committedRecords: number;
  /** The committed object's key. */
  readonly key: string;
  readonly storedBytes: number;
  readonly runMs: number;
  /** RSS once everything is imported, before the run: what any run of this process costs. */
  readonly rssBeforeRunBytes: number;
}

export const MEMORY_KEY_TEMPLATE = 'memory-flat/{partition}.jsonl.gz';

const generatedFeed = defineSource({
  name: 'bench.generatedFeed',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['records', 'pageSize'],
    properties: { records: { type: 'integer', minimum: 0 }, pageSize: { type: 'integer', minimum: 1 } },
  },
  create: ({ records, pageSize }) => {
    const record = feedLikeRecords('benchauthor');
    return {
      async fetchPage({ cursor }) {
        const from = cursor === undefined ? 0 : Number(cursor);
        const to = Math.min(records, from + pageSize);
        const page = [];
        for (let n = from; n < to; n++) page.push(record(n));
        return { records: page, cursor: to < records ? String(to) : undefined };
      },
    };
  },
});

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as MemoryCase;
  const config = validateConfig(
    defineConfig({
      pipelines: {
        feeds: {
          source: generatedFeed({ records: request.records, pageSize: request.pageSize }),
          partitions: [request.partition],
          sink: s3Sink({ bucket: request.bucket, key: MEMORY_KEY_TEMPLATE, endpoint: request.endpoint, forcePathStyle: true }),
        },
      },
    }),
    'bench.config.ts',
  );
  const rssBeforeRunBytes = process.memoryUsage.rss();
  const started = performance.now();
  const summary = await runPipelines(config, { state: false });
  const runMs = performance.now() - started;
  const task = summary.tasks[0];
  if (summary.status !== 'succeeded' || !task) throw new Error(`the run ${summary.status}: ${JSON.stringify(task?.error ?? summary.errors)}`);
  const [output, ...more] = task.outputs;
  if (!output || more.length > 0) throw new Error(`expected one object, the task committed ${task.outputs.length}`);
  const prefix = `s3://${request.bucket}/`;
  if (!output.location.startsWith(prefix)) throw new Error(`unexpected output location ${output.location}`);
  const result: MemoryResult = { committedRecords: output.records, key: output.location.slice(prefix.length), storedBytes: output.bytes ?? 0, runMs, rssBeforeRunBytes };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
