// `pnpm bench`: streams one large partition of feed-like records (~1 KB each) through the S3 sink into
// s3rver on loopback, plain and gzip, with and without rollover, and prints throughput and peak memory
// against the size of the data. Each scenario runs in its own process (stream-worker.js) so the RSS
// measured is the sink's, not s3rver's. Usage: node stream-memory.js [--records N]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startS3 } from '@etl/dev-servers/s3';
import type { WorkerRequest, WorkerResult } from './stream-worker.js';

const MB = 1024 * 1024;
const BUCKET = 'bench';

const scenarios: readonly { readonly name: string; readonly options: WorkerRequest['options'] }[] = [
  { name: 'plain', options: {} },
  { name: 'gzip', options: { key: 'bench/{partition}.jsonl.gz' } },
  { name: 'gzip, rollover 64 MiB', options: { key: 'bench/{partition}.jsonl.gz', rollover: { maxBytes: 64 * MB } } },
];

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

function runWorker(request: WorkerRequest, env: NodeJS.ProcessEnv): Promise<WorkerResult> {
  const worker = fileURLToPath(new URL('./stream-worker.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', worker, JSON.stringify(request)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as WorkerResult) : reject(new Error(`the worker exited with ${code}`))));
  });
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const records = argument('records', 500_000);
  const pageSize = 100;
  const server = await startS3({ buckets: [BUCKET] });
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_REGION: server.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  console.log(`node ${process.version}; ${records} records per partition in pages of ${pageSize}; s3rver on ${server.endpoint}; part size 8 MiB, 4 uploads in flight\n`);
  const header = ['scenario', 'objects', 'raw MB', 'stored MB', 'seconds', 'records/s', 'raw MB/s', 'RSS before MB', 'peak RSS MB', 'peak / raw'];
  const rows: string[][] = [];
  try {
    for (const scenario of scenarios) {
      const result = await runWorker({ endpoint: server.endpoint, bucket: BUCKET, records, pageSize, options: scenario.options }, env);
      if (result.records !== records) throw new Error(`${scenario.name}: the sink committed ${result.records} records, not ${records}`);
      rows.push([
        scenario.name,
        String(result.objects),
        fixed(result.rawBytes / MB),
        fixed(result.storedBytes / MB),
        fixed(result.seconds),
        String(Math.round(records / result.seconds)),
        fixed(result.rawBytes / MB / result.seconds),
        fixed(result.baselineRssBytes / MB),
        fixed(result.peakRssBytes / MB),
        `${fixed((100 * result.peakRssBytes) / result.rawBytes)}%`,
      ]);
      console.log(`${scenario.name}: done`);
    }
  } finally {
    await server.close();
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(`\n${line(header)}\n${rows.map(line).join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
