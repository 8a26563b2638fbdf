// Memory is flat (issue #9, 3): peak RSS of one process running one partition of 10k, 100k and 1M ~1 KB
// feed-like records through runPipelines and the real s3Sink (gzip) into s3rver. s3rver runs here, in the
// harness; each case runs in its own process (memory-flat-worker.ts), so the peak RSS is the framework's.
// Every object is read back and its lines counted: a run that lost records throws instead of reporting.
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createTestS3Client, startS3, type S3Server } from '@etl/dev-servers/s3';
import { goal, type Benchmark, type BenchRow, type Figure } from './bench-report.js';
import { assertSucceeded, MB, measureChild, type Measurement } from './measure-child.js';
import type { MemoryCase, MemoryResult } from './memory-flat-worker.js';
import { countNdjsonLines } from './ndjson-object-lines.js';

const NAME = 'memory is flat';
const BUCKET = 'bench';
const PAGE_SIZE = 100;
const GOAL_PEAK_RSS_MB = 200;
/**
 * "Not growing": a partition that fills parts may cost more than one that never fills a part (10k records
 * gzip to ~2 MB, under the 8 MiB part size) by at most the sink's documented, size-independent working
 * set: 4 part uploads in flight + 1 part filling, of 8 MiB each. More than that would be growth with size.
 */
const PART_PIPELINE_MB = (4 + 1) * 8; // MiB, like every "MB" figure here (measure-child's MB)
const worker = fileURLToPath(new URL('./memory-flat-worker.js', import.meta.url));

interface Sample {
  readonly records: number;
  readonly measurement: Measurement;
  readonly result: MemoryResult;
}

async function verifyObject(server: S3Server, key: string, records: number): Promise<void> {
  // The SDK warns about Node 20 on every client; the figures do not depend on it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = createTestS3Client(server);
  try {
    const { Body } = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    if (!(Body instanceof Readable)) throw new Error(`s3://${BUCKET}/${key}: no readable body`);
    const { lines, lastLine } = await countNdjsonLines(Body, key.endsWith('.gz'));
    if (lines !== records) throw new Error(`s3://${BUCKET}/${key} holds ${lines} lines, expected ${records}`);
    const last = JSON.parse(lastLine) as { post?: { uri?: string } };
    if (!last.post?.uri?.endsWith(`-${records - 1}`)) throw new Error(`s3://${BUCKET}/${key}: the last line is not record ${records - 1}`);
  } finally {
    client.destroy();
  }
}

async function runCase(server: S3Server, records: number, repetition: number): Promise<Sample> {
  // A key of its own per run, so a run that wrote nothing can never be verified against an earlier object.
  const partition = `records-${records}-run-${repetition}`;
  const request: MemoryCase = { endpoint: server.endpoint, bucket: BUCKET, partition, records, pageSize: PAGE_SIZE };
  const env = {
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_REGION: server.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const measurement = assertSucceeded(`${NAME} worker (${records} records)`, await measureChild({ script: worker, args: [JSON.stringify(request)], env }));
  const result = JSON.parse(measurement.stdout.trim().split('\n').at(-1) ?? '') as MemoryResult;
  if (result.committedRecords !== records) throw new Error(`${records} records: the sink committed ${result.committedRecords}`);
  await verifyObject(server, result.key, records);
  return { records, measurement, result };
}

/**
 * The run with the median peak: a peak depends on when V8 happens to collect dead buffers, so one run
 * can land far from the typical one.
 */
async function medianRun(server: S3Server, records: number, runs: number): Promise<Sample> {
  const samples: Sample[] = [];
  for (let repetition = 1; repetition <= runs; repetition++) samples.push(await runCase(server, records, repetition));
  samples.sort((a, b) => a.measurement.maxRssBytes - b.measurement.maxRssBytes);
  return samples[Math.floor(samples.length / 2)] as Sample;
}

const mb = (bytes: number): number => Math.round(bytes / MB);

function sizeRow(sample: Sample, largest: boolean): BenchRow {
  const { records, measurement, result } = sample;
  const peak = mb(measurement.maxRssBytes);
  return {
    benchmark: NAME,
    case: `1 partition x ${records.toLocaleString('en-US')} records (~1 KB, gzip)`,
    figures: [
      { name: 'peak RSS', value: peak, unit: 'MB' },
      { name: 'RSS before run', value: mb(result.rssBeforeRunBytes), unit: 'MB' },
      { name: 'records/s', value: Math.round(records / (result.runMs / 1000)), unit: '' },
      { name: 'run', value: Math.round(result.runMs), unit: 'ms' },
      { name: 'CPU', value: Math.round(measurement.cpuMs), unit: 'ms' },
      { name: 'stored', value: Math.round((10 * result.storedBytes) / MB) / 10, unit: 'MB' },
    ],
    goal: largest ? goal('peak RSS MB', '<=', GOAL_PEAK_RSS_MB, peak) : undefined,
  };
}

const count = (records: number): string => (records >= 1_000_000 ? `${records / 1_000_000}M` : `${records / 1000}k`);

function growthRow(samples: readonly Sample[], runs: number): BenchRow {
  const smallest = samples[0] as Sample;
  const largest = samples.at(-1) as Sample;
  const growth = (from: Sample) => mb(largest.measurement.maxRssBytes - from.measurement.maxRssBytes);
  // Between sizes that both fill parts, the part pipeline is in both peaks: what is left is growth with size.
  const between = samples.slice(1, -1).map((s): Figure => ({ name: `${count(s.records)} -> ${count(largest.records)}`, value: growth(s), unit: 'MB' }));
  return {
    benchmark: NAME,
    case: `peak RSS growth with partition size (${largest.records / smallest.records}x the data)`,
    figures: [{ name: `${count(smallest.records)} -> ${count(largest.records)}`, value: growth(smallest), unit: 'MB' }, ...between],
    // The goal is the peak at 1M (row above); growth is reported against the sink's fixed working set.
    note:
      `${count(smallest.records)} never fills an 8 MiB part, larger partitions use the sink's fixed part pipeline (4 uploads in flight + 1 filling = ${PART_PIPELINE_MB} MiB) ` +
      `whatever their size; beyond that, the growth is V8 heap headroom and allocator slack, which vary from run to run. Peaks are the median of ${runs} run(s).`,
  };
}

export const benchmark: Benchmark = async ({ smoke }) => {
  const sizes = smoke ? [10_000, 50_000] : [10_000, 100_000, 1_000_000];
  const runs = smoke ? 1 : 3;
  const server = await startS3({ buckets: [BUCKET] });
  const samples: Sample[] = [];
  try {
    for (const records of sizes) samples.push(await medianRun(server, records, runs));
  } finally {
    await server.close();
  }
  const largest = samples.at(-1);
  return [...samples.map((s) => sizeRow(s, s === largest)), growthRow(samples, runs)];
};
