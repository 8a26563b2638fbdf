// What the sink wrote, read back by clients that share no code with it: Debian's awscli (a separate
// implementation of S3 in Python) and DuckDB (a reader of NDJSON that analysts use).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SinkInstance } from '@etl/core';
import { getObject, listKeys, startS3, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunManifest, S3SinkOptions } from './index.js';
import { feedRecords, type FeedRecord } from './test-support/feed-records.js';
import { ndjson, RUN_STARTED_AT, task, useSinks } from './test-support/sink-harness.js';
import { awsCliBinary } from './test-support/aws-cli.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

const run = promisify(execFile);
const BUCKET = 'readback';
useS3rverCredentials();
const createSink = useSinks();

let server: S3Server;
let scratch: string;
beforeEach(async () => {
  server = await startS3({ buckets: [BUCKET] });
  scratch = await mkdtemp(join(tmpdir(), 'etl-readback-'));
});
afterEach(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

const AUTHORS = ['alice', 'bob', 'carol'];
const PER_AUTHOR = 250;

/** A feed-like dataset through the sink, 100 records a page like the AT Protocol source; then the manifest. */
async function writeFeeds(options: Partial<S3SinkOptions>, authors = AUTHORS): Promise<{ sink: SinkInstance<unknown>; manifest: RunManifest; records: Map<string, FeedRecord[]> }> {
  const sink = await createSink(server, { bucket: BUCKET, ...options });
  const records = new Map<string, FeedRecord[]>();
  const reports = [];
  for (const author of authors) {
    const all = feedRecords(author, 0, PER_AUTHOR);
    records.set(author, all);
    const writer = await sink.open(task(author));
    for (let from = 0; from < all.length; from += 100) await writer.write(all.slice(from, from + 100));
    const { outputs } = await writer.commit();
    reports.push({ pipeline: 'feeds', partition: author, status: 'succeeded' as const, records: all.length, outputs });
  }
  await sink.finishRun?.({ runId: 'run-1', status: 'succeeded', startedAt: RUN_STARTED_AT, finishedAt: new Date(), tasks: reports });
  const manifest = JSON.parse((await getObject(server, BUCKET, '_manifests/run-1.json')).toString()) as RunManifest;
  return { sink, manifest, records };
}

let awsCli: string | undefined;
function runAwsCli(args: readonly string[]): Promise<{ stdout: string }> {
  awsCli ??= awsCliBinary();
  return run(awsCli, ['--endpoint-url', server.endpoint, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: scratch,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_PAGER: '',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('read back by awscli', () => {
  it('lists exactly the manifest objects (and the manifest) and downloads them byte-identical', async () => {
    const { manifest, records } = await writeFeeds({ key: 'feeds/dt={date}/{partition}.jsonl.gz', rollover: { maxRecords: 100 } }, ['alice', 'b/ob %x']);
    const download = join(scratch, 'aws');
    const [listing] = await Promise.all([runAwsCli(['s3', 'ls', `s3://${BUCKET}`, '--recursive']), runAwsCli(['s3', 'cp', `s3://${BUCKET}`, download, '--recursive', '--only-show-errors'])]);

    const listed = listing.stdout
      .trim()
      .split('\n')
      .map((line) => /^\S+ \S+\s+(\d+) (.+)$/.exec(line))
      .map((match) => ({ key: match?.[2], bytes: Number(match?.[1]) }));
    const expected = [...manifest.objects.map((o) => ({ key: o.key, bytes: o.bytes })), { key: '_manifests/run-1.json', bytes: expect.any(Number) }];
    expect(listed.sort((a, b) => String(a.key).localeCompare(String(b.key)))).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));
    expect(manifest.objects.map((o) => o.key)).toContain('feeds/dt=2024-03-09/b%2Fob%20%25x-00003.jsonl.gz');

    for (const object of manifest.objects) {
      const local = await readFile(join(download, object.key));
      expect(local.equals(await getObject(server, BUCKET, object.key))).toBe(true);
    }
    for (const [author, all] of records) {
      const parts = manifest.objects.filter((o) => o.partition === author);
      expect(parts.map((o) => o.records)).toEqual([100, 100, 50]);
      const text = (await Promise.all(parts.map(async (o) => gunzipSync(await readFile(join(download, o.key))).toString()))).join('');
      expect(text).toBe(ndjson(all));
    }
    const downloadedManifest = JSON.parse(await readFile(join(download, '_manifests/run-1.json'), 'utf8')) as RunManifest;
    expect(downloadedManifest).toEqual(manifest);
  });
});

describe('read back by DuckDB', () => {
  async function download(manifest: RunManifest): Promise<string[]> {
    const files: string[] = [];
    for (const object of manifest.objects) {
      const file = join(scratch, 'duck', object.key);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, await getObject(server, BUCKET, object.key));
      files.push(file);
    }
    return files;
  }

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  const list = (files: readonly string[]) => `[${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;

  it.each([
    ['gzip, rolled over', { key: 'feeds/dt={date}/{partition}.jsonl.gz', rollover: { maxBytes: 64 * 1024 } }],
    ['plain', { key: 'feeds/dt={date}/{partition}.jsonl' }],
  ] as const)('loads every record of a feed dataset (%s) with read_ndjson and read_json', async (_name, options) => {
    const { manifest } = await writeFeeds(options);
    const files = await download(manifest);
    if (options.key.endsWith('.gz')) expect(files.length).toBeGreaterThan(AUTHORS.length);

    const [total] = await query(`SELECT count(*) AS n, count(DISTINCT post.uri) AS uris FROM read_ndjson(${list(files)})`);
    expect(total).toEqual({ n: String(AUTHORS.length * PER_AUTHOR), uris: String(AUTHORS.length * PER_AUTHOR) });
    const perAuthor = await query(
      `SELECT post.author.handle AS handle, count(*) AS n, min(post.record.createdAt) AS first, max(post.record.createdAt) AS last FROM read_json(${list(files)}, format = 'newline_delimited') GROUP BY 1 ORDER BY 1`,
    );
    // DuckDB infers the ISO strings as timestamps: record 249 was made 249 x 61 s after the first.
    expect(perAuthor).toEqual(AUTHORS.map((a) => ({ handle: `${a}.test`, n: String(PER_AUTHOR), first: '2024-01-01 00:00:00', last: '2024-01-01 04:13:09' })));
    expect(manifest.totals.records).toBe(AUTHORS.length * PER_AUTHOR);
    expect((await listKeys(server, BUCKET)).length).toBe(manifest.objects.length + 1);
  });
});
