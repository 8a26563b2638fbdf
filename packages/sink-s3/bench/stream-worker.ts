// One benchmark scenario in a process of its own, so that its peak RSS is the sink's and not s3rver's:
// streams a partition of feed-like records through the sink into the endpoint given, then prints one
// JSON line with what it measured.
import { s3Sink, type S3SinkOptions } from '@etl/sink-s3';
import { feedRecords, type FeedRecord } from '../src/test-support/feed-records.js';

export interface WorkerRequest {
  readonly endpoint: string;
  readonly bucket: string;
  readonly records: number;
  readonly pageSize: number;
  readonly options: Partial<S3SinkOptions>;
}

export interface WorkerResult {
  readonly records: number;
  readonly rawBytes: number;
  readonly storedBytes: number;
  readonly objects: number;
  readonly seconds: number;
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
}

/** Distinct records to cycle through: 5000 x ~1 KB is far beyond gzip's 32 KB window, so no free wins. */
const POOL_SIZE = 5000;

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
  const pool = feedRecords('benchauthor', 0, POOL_SIZE);
  // NDJSON size of each pool record; record n adds `-${n}` to its URI.
  const poolLineBytes = pool.map((record) => Buffer.byteLength(JSON.stringify(record)) + 1);
  const sink = await s3Sink.definition.create({ bucket: request.bucket, key: 'bench/{partition}.jsonl', endpoint: request.endpoint, forcePathStyle: true, manifest: false, ...request.options });
  const signal = new AbortController().signal;
  const writer = await sink.open({ runId: 'bench', pipeline: 'bench', partition: 'p', runStartedAt: new Date(), signal });

  global.gc?.();
  const baselineRssBytes = process.memoryUsage.rss();
  let peakRssBytes = baselineRssBytes;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())), 20);
  let rawBytes = 0;
  const started = process.hrtime.bigint();
  for (let from = 0; from < request.records; from += request.pageSize) {
    const page: FeedRecord[] = [];
    for (let n = from; n < Math.min(from + request.pageSize, request.records); n += 1) {
      const base = pool[n % POOL_SIZE] as FeedRecord;
      page.push({ ...base, post: { ...base.post, uri: `${base.post.uri}-${n}` } });
    }
    await writer.write(page);
  }
  const { outputs } = await writer.commit();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (let n = 0; n < request.records; n += 1) rawBytes += (poolLineBytes[n % POOL_SIZE] ?? 0) + `-${n}`.length;
  clearInterval(sampler);
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  await sink.close?.();

  const result: WorkerResult = {
    records: outputs.reduce((sum, o) => sum + o.records, 0),
    rawBytes,
    storedBytes: outputs.reduce((sum, o) => sum + (o.bytes ?? 0), 0),
    objects: outputs.length,
    seconds,
    baselineRssBytes,
    peakRssBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
