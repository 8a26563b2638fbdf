import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { defineSource, fromPipeline, isAbortError } from '@etl/core';
import { ConfigError, validateConfig } from '@etl/core/host';
import { createTestS3Client, getObject, listKeys, startS3, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeKeySegment, s3Sink, type S3SinkOptions } from './index.js';
import { ndjson, rejectionOf, task, useSinks, writeTask } from './test-support/sink-harness.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

const BUCKET = 'etl-test';
useS3rverCredentials();
const createSink = useSinks();

let server: S3Server;
beforeEach(async () => {
  server = await startS3({ buckets: [BUCKET] });
});
afterEach(async () => {
  await server.close();
});

const sink = (options: Partial<S3SinkOptions> = {}) => createSink(server, { bucket: BUCKET, manifest: false, ...options });

const pages = [
  [{ id: 1, text: 'first' }, { id: 2, text: 'line\nbreak' }],
  [{ id: 3, text: 'ünïcödé ✓' }],
  [{ id: 4, nested: { a: [1, 2] } }, { id: 5, text: null }],
];

async function head(key: string) {
  const client = createTestS3Client(server);
  try {
    return await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  } finally {
    client.destroy();
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('s3.ndjson sink', () => {
  it('writes all pages in order as one NDJSON object at exactly the rendered key', async () => {
    const result = await writeTask(await sink(), task(), pages);

    const key = 'feeds/dt=2024-03-09/alice.ndjson';
    const body = await getObject(server, BUCKET, key);
    expect(body.toString('utf8')).toBe(ndjson(pages.flat()));
    expect(result.outputs).toEqual([{ location: `s3://${BUCKET}/${key}`, records: 5, bytes: body.length }]);
    expect(await listKeys(server, BUCKET)).toEqual([key]);
  });

  it('makes nothing visible, nor sends anything, before commit', async () => {
    const writer = await (await sink()).open(task());
    await writer.write(pages[0] ?? []);
    await writer.write(pages[1] ?? []);
    expect(server.requests).toBe(0);
    expect(await listKeys(server, BUCKET)).toEqual([]);

    await writer.commit();
    expect(await listKeys(server, BUCKET)).toEqual(['feeds/dt=2024-03-09/alice.ndjson']);
  });

  it('gzips when the key ends in .gz, counts the compressed bytes and labels it application/gzip', async () => {
    const result = await writeTask(await sink({ key: '{pipeline}/{partition}.ndjson.gz' }), task(), pages);

    const body = await getObject(server, BUCKET, 'feeds/alice.ndjson.gz');
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(body).toString('utf8')).toBe(ndjson(pages.flat()));
    expect(result.outputs[0]?.bytes).toBe(body.length);
    const meta = await head('feeds/alice.ndjson.gz');
    expect(meta.ContentType).toBe('application/gzip');
    expect(meta.ContentEncoding).toBeUndefined();
  });

  it('stores content type, storage class and user metadata on the object', async () => {
    const options = { contentType: 'application/jsonl', storageClass: 'STANDARD_IA', metadata: { source: 'atproto', 'schema-version': '3' } } as const;
    await writeTask(await sink(options), task(), pages);
    const meta = await head('feeds/dt=2024-03-09/alice.ndjson');
    expect(meta.ContentType).toBe('application/jsonl');
    expect(meta.StorageClass).toBe('STANDARD_IA');
    expect(meta.Metadata).toEqual({ source: 'atproto', 'schema-version': '3' });
  });

  it('stores them on multipart objects too', async () => {
    const big = Array.from({ length: 6000 }, (_, id) => ({ id, filler: 'z'.repeat(1000) }));
    await writeTask(await sink({ partSizeBytes: 5 * 1024 * 1024, storageClass: 'STANDARD_IA', metadata: { run: 'r' } }), task(), [big]);
    expect(server.requestLog.some((r) => r.operation === 'UploadPart')).toBe(true);
    const meta = await head('feeds/dt=2024-03-09/alice.ndjson');
    expect([meta.ContentType, meta.StorageClass, meta.Metadata]).toEqual(['application/x-ndjson', 'STANDARD_IA', { run: 'r' }]);
  });

  it('leaves no object after abort, and refuses further writes', async () => {
    const writer = await (await sink()).open(task());
    await writer.write(pages[0] ?? []);
    await writer.abort(new Error('task failed'));

    await expect(writer.write(pages[1] ?? [])).rejects.toSatisfy(isAbortError);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('aborts when the task signal fires', async () => {
    const controller = new AbortController();
    const writer = await (await sink()).open(task('alice', { signal: controller.signal }));
    await writer.write(pages[0] ?? []);
    controller.abort();

    await expect(writer.commit()).rejects.toSatisfy(isAbortError);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('aborts a multipart upload in progress: parts were sent, no object appears', async () => {
    const writer = await (await sink({ partSizeBytes: 5 * 1024 * 1024 })).open(task());
    const page = Array.from({ length: 1000 }, (_, id) => ({ id, filler: 'y'.repeat(1000) }));
    // ~32 MB: six 5 MiB parts are cut; with four uploads in flight at most, two have finished by now.
    for (let i = 0; i < 32; i += 1) await writer.write(page);
    await writer.abort(new Error('task failed'));

    expect(server.requestLog.filter((r) => r.operation === 'UploadPart').length).toBeGreaterThanOrEqual(2);
    expect(server.requestLog.some((r) => r.operation === 'AbortMultipartUpload')).toBe(true);
    expect(server.requestLog.some((r) => r.operation === 'CompleteMultipartUpload' || r.operation === 'PutObject')).toBe(false);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('writes an empty object for zero records, replacing stale data', async () => {
    const instance = await sink();
    await writeTask(instance, task(), pages);
    const result = await writeTask(instance, task('alice', { runId: 'run-2' }), [[]]);

    expect((await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson')).length).toBe(0);
    expect(result.outputs).toEqual([{ location: `s3://${BUCKET}/feeds/dt=2024-03-09/alice.ndjson`, records: 0, bytes: 0 }]);
  });

  it('keeps hostile partitions under the key prefix, decodable back', async () => {
    const instance = await sink({ key: 'exports/{partition}/data.ndjson' });
    const partitions = ['../../etc', 'a/b', '..', 'ctl\u0001\n\u007f', "o'brien *?[x]", 'p'.repeat(600)];
    for (const partition of partitions) await writeTask(instance, task(partition), [[{ partition }]]);

    const keys = await listKeys(server, BUCKET);
    expect(keys).toHaveLength(partitions.length);
    const decoded = keys.map((key) => {
      const [prefix, segment, file, ...rest] = key.split('/');
      expect([prefix, file, rest]).toEqual(['exports', 'data.ndjson', []]);
      const value = decodeKeySegment(segment ?? '');
      return value.shortened ? `${value.prefix}...` : value.value;
    });
    expect(decoded.sort()).toEqual([...partitions.slice(0, -1), `${'p'.repeat(167)}...`].sort());
    // s3rver maps keys to files: nothing may land beside the bucket's directory.
    expect(await readdir(server.directory)).toEqual([BUCKET]);
  });

  it('fails the task, not the sink, for a partition that is not well-formed Unicode', async () => {
    const instance = await sink();
    await expect(instance.open(task('bad\ud800'))).rejects.toThrow(/cannot build the S3 key of pipeline "feeds", partition "bad\\ud800".*lone surrogate/);
    await writeTask(instance, task('good'), pages);
    expect(await listKeys(server, BUCKET)).toEqual(['feeds/dt=2024-03-09/good.ndjson']);
  });

  it('refuses a second task that renders the same key in one run (a shared sink without {pipeline})', async () => {
    const instance = await sink({ key: 'all/{partition}.ndjson' });
    await instance.open({ ...task('alice'), pipeline: 'posts' });
    await expect(instance.open({ ...task('alice'), pipeline: 'likes' })).rejects.toThrow(
      /pipeline "likes", partition "alice" would write s3:\/\/etl-test\/all\/alice\.ndjson, which pipeline "posts", partition "alice" already writes in this run: add \{pipeline\}/,
    );
    // Another run may write it again (that is a rerun).
    await instance.open({ ...task('alice', { runId: 'run-2' }), pipeline: 'likes' });
  });

  it('names the bucket, key and NoSuchBucket when the bucket is missing', async () => {
    const error = await rejectionOf(writeTask(await sink({ bucket: 'no-such-bucket' }), task(), pages));
    expect(error.message).toContain('s3://no-such-bucket/feeds/dt=2024-03-09/alice.ndjson');
    expect(error.message).toContain('PutObject answered NoSuchBucket (HTTP 404)');
    expect(error.message).toContain("the bucket 'no-such-bucket' does not exist at http://127.0.0.1:");
  });

  it('rejects writes instead of hanging when a multipart upload cannot start', async () => {
    const writer = await (await sink({ bucket: 'no-such-bucket', partSizeBytes: 5 * 1024 * 1024 })).open(task());
    const page = Array.from({ length: 1000 }, (_, id) => ({ id, filler: 'y'.repeat(1000) }));
    const writeUntilFailure = async (): Promise<void> => {
      // ~1 MB per page: the first part is cut after about five pages, and its upload fails.
      for (let attempt = 0; attempt < 100; attempt += 1) await writer.write(page);
    };
    const error = await rejectionOf(writeUntilFailure());
    expect(error.message).toMatch(/s3:\/\/no-such-bucket\/.*CreateMultipartUpload answered NoSuchBucket/);
    await writer.abort();
  });

  it('names InvalidAccessKeyId when the default chain finds unknown credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'NOT-S3RVER';
    try {
      await expect(writeTask(await sink(), task(), pages)).rejects.toThrow(/PutObject answered InvalidAccessKeyId.*check the credentials/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    }
  });

  it('names the endpoint it cannot reach, after the configured attempts', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const instance = await createSink(server, { bucket: BUCKET, manifest: false, endpoint, retry: { maxAttempts: 2 } });
    const error = await rejectionOf(writeTask(instance, task(), pages));
    expect(error.message).toContain(`writing s3://${BUCKET}/feeds/dt=2024-03-09/alice.ndjson failed: PutObject answered ECONNREFUSED after 2 attempts`);
    expect(error.message).toContain(`cannot reach ${endpoint}: check the \`endpoint\` option`);
  });

  it('streams a large task as a byte-identical multipart upload with equal-size parts', async () => {
    const writer = await (await sink({ partSizeBytes: 5 * 1024 * 1024 })).open(task());
    const expected: Buffer[] = [];
    const filler = 'x'.repeat(1000);
    let id = 0;
    for (let page = 0; page < 200; page += 1) {
      const records = Array.from({ length: 100 }, () => ({ id: (id += 1), filler }));
      expected.push(Buffer.from(ndjson(records)));
      await writer.write(records);
    }
    const result = await writer.commit();

    const body = await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson');
    const want = Buffer.concat(expected);
    expect(want.length).toBeGreaterThan(19 * 1024 * 1024);
    expect(body.equals(want)).toBe(true);
    expect(result.outputs[0]).toMatchObject({ records: 20_000, bytes: want.length });
    expect(server.requestLog.map((r) => r.operation).filter((op) => op !== 'GetObject')).toEqual([
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPart',
      'UploadPart',
      'UploadPart',
      'CompleteMultipartUpload',
    ]);
  });

  it('reuses part buffers: memory for parts stays at the upload limit however many parts an object has', async () => {
    const partSize = 5 * 1024 * 1024;
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const writer = await (await sink({ partSizeBytes: partSize })).open(task());
      const expected: Buffer[] = [];
      const filler = 'y'.repeat(2000);
      let id = 0;
      for (let page = 0; page < 200; page += 1) {
        const records = Array.from({ length: 100 }, () => ({ id: (id += 1), filler }));
        expected.push(Buffer.from(ndjson(records)));
        await writer.write(records);
      }
      await writer.commit();

      // Byte-identical although buffers were refilled: none was reused before its upload had finished.
      const body = await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson');
      expect(body.equals(Buffer.concat(expected))).toBe(true);
      expect(server.requestLog.filter((r) => r.operation === 'UploadPart').length).toBeGreaterThanOrEqual(7);
      // Four uploads in flight and one part filling, at most.
      const partBuffers = allocations.mock.calls.filter(([size]) => size === partSize).length;
      expect(partBuffers).toBeGreaterThan(0);
      expect(partBuffers).toBeLessThanOrEqual(5);
    } finally {
      allocations.mockRestore();
    }
  });

  it('refuses to start with an invalid key template', async () => {
    await expect(sink({ key: 'x/{nope}' })).rejects.toThrow(/\{nope\}/);
    expect(server.requests).toBe(0);
  });
});

describe('s3.ndjson options in a config', () => {
  const source = defineSource({ name: 'test.none', options: { type: 'object', additionalProperties: false } as const, create: () => ({ fetchPage: async () => ({ records: [] }) }) });
  const validate = (sinkOptions: Record<string, unknown>) =>
    validateConfig({ pipelines: { feeds: { source: source({}), partitions: ['a'], sink: s3Sink(sinkOptions as S3SinkOptions) } } }, 'etl.config.ts');
  const problemsOf = (sinkOptions: Record<string, unknown>): string[] => {
    try {
      validate(sinkOptions);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('accepts every option through the core validator', () => {
    expect(
      problemsOf({
        bucket: BUCKET,
        key: 'f/dt={date}/{partition}.jsonl.gz',
        format: 'ndjson',
        compression: 'gzip',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        contentType: 'application/gzip',
        storageClass: 'STANDARD_IA',
        metadata: { 'source-name': 'atproto' },
        partSizeBytes: 16 * 1024 * 1024,
        rollover: { maxRecords: 1000, maxBytes: 1_000_000 },
        manifest: '_manifests/dt={date}/{runId}.json',
        retry: { maxAttempts: 3, mode: 'adaptive' },
      }),
    ).toEqual([]);
    expect(problemsOf({ bucket: BUCKET, key: 'f/{partition}.jsonl', manifest: false })).toEqual([]);
  });

  it('reports bad values with their paths, all at once', () => {
    const problems = problemsOf({
      bucket: BUCKET,
      key: 'f/{day}.jsonl',
      manifest: true,
      metadata: { Upper: 'x', ok: 'non-ascii é' },
      rollover: {},
      retry: { maxAttempts: 0 },
      storageClass: 'COLD',
    });
    expect(problems.join('\n')).toMatch(/sink\.manifest/);
    expect(problems.join('\n')).toMatch(/sink\.metadata/);
    expect(problems.join('\n')).toMatch(/sink\.rollover/);
    expect(problems.join('\n')).toMatch(/sink\.retry\.maxAttempts/);
    expect(problems.join('\n')).toMatch(/sink\.storageClass/);
  });

  it('reports a value below the schema minimum and an unknown placeholder in one run, each once', () => {
    expect(problemsOf({ bucket: BUCKET, key: 'f/{day}.jsonl', partSizeBytes: 1024 })).toEqual([
      'pipelines.feeds.sink.partSizeBytes: expected a number >= 5242880, found number 1024',
      'pipelines.feeds.sink.key: unknown placeholder {day}; allowed placeholders: {pipeline}, {partition}, {date}, {hour}, {runId}',
    ]);
  });

  it('checks what it can read when other options are malformed', () => {
    expect(problemsOf({ bucket: 'Bad_Bucket', key: 7, manifest: 'm/{partition}.json', metadata: 'x' })).toEqual([
      'pipelines.feeds.sink.bucket: expected a string matching ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$, found string "Bad_Bucket"',
      'pipelines.feeds.sink.key: expected string, found number 7',
      'pipelines.feeds.sink.metadata: expected object, found string "x"',
      'pipelines.feeds.sink.manifest: unknown placeholder {partition}; allowed placeholders: {runId}, {date}, {hour}',
      'pipelines.feeds.sink.manifest: the manifest key must contain {runId}: one manifest per run, so a failed run cannot replace the manifest of a good one',
    ]);
  });

  it('reports an unknown placeholder as a config error at the key', () => {
    expect(problemsOf({ bucket: BUCKET, key: 'f/{day}.jsonl' })).toEqual([
      'pipelines.feeds.sink.key: unknown placeholder {day}; allowed placeholders: {pipeline}, {partition}, {date}, {hour}, {runId}',
    ]);
  });
});

describe('s3.ndjson key collisions at validate time (static partitions)', () => {
  const source = defineSource({ name: 'test.none', options: { type: 'object', additionalProperties: false } as const, create: () => ({ fetchPage: async () => ({ records: [] }) }) });
  const problemsOf = (pipelines: Record<string, unknown>): string[] => {
    try {
      validateConfig({ pipelines }, 'etl.config.ts');
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
  };
  const pipe = (partitions: unknown, sink: unknown) => ({ source: source({}), partitions, sink });

  it('refuses a key without {partition} for a pipeline with two static partitions, once, naming both', () => {
    const sink = s3Sink({ bucket: BUCKET, key: 'f/dt={date}/{pipeline}.jsonl' });
    expect(problemsOf({ feeds: pipe(['alice', 'bob'], sink) })).toEqual([
      `pipelines.feeds.sink.key: pipeline "feeds", partitions "alice", "bob" would all write s3://${BUCKET}/f/dt={date}/feeds.jsonl in one run (the first to start writes, the others fail with S3_KEY_CONFLICT): add {partition} to the key template`,
    ]);
  });

  it('refuses two pipelines whose templates render the same keys, naming both sides and the key', () => {
    const sink = s3Sink({ bucket: BUCKET, key: 'f/{partition}.jsonl', rollover: { maxRecords: 10 } });
    expect(problemsOf({ a: pipe(['alice', 'bob'], sink), b: pipe(['bob'], sink) })).toEqual([
      `pipelines.b.sink.key: pipeline "a", partition "bob" and pipeline "b", partition "bob" would all write s3://${BUCKET}/f/bob-<part>.jsonl in one run (the first to start writes, the others fail with S3_KEY_CONFLICT): add {pipeline} to the key template, or give the pipelines different keys`,
    ]);
  });

  it('sees collisions between two sink values on the same bucket and endpoint, not across buckets', () => {
    const one = s3Sink({ bucket: BUCKET, key: 'x/{runId}/{partition}.jsonl' });
    const two = s3Sink({ bucket: BUCKET, key: 'x/{runId}/{partition}.jsonl', manifest: false });
    expect(problemsOf({ a: pipe(['p'], one), b: pipe(['p'], two) })).toEqual([
      `pipelines.b.sink.key: pipeline "a", partition "p" and pipeline "b", partition "p" would all write s3://${BUCKET}/x/{runId}/p.jsonl in one run (the first to start writes, the others fail with S3_KEY_CONFLICT): add {pipeline} to the key template, or give the pipelines different keys`,
    ]);
    expect(problemsOf({ a: pipe(['p'], one), b: pipe(['p'], s3Sink({ bucket: 'other-bucket', key: 'x/{runId}/{partition}.jsonl' })) })).toEqual([]);
    expect(problemsOf({ a: pipe(['p'], one), b: pipe(['p'], s3Sink({ bucket: BUCKET, endpoint: 'http://127.0.0.1:9', key: 'x/{runId}/{partition}.jsonl' })) })).toEqual([]);
  });

  it('accepts distinct keys, and leaves partitions from another pipeline to the run-time check', () => {
    const sink = s3Sink({ bucket: BUCKET, key: 'f/{date}/{pipeline}/{partition}.jsonl' });
    expect(problemsOf({ a: pipe(['alice', 'bob'], sink), b: pipe(['alice'], sink) })).toEqual([]);
    const flat = s3Sink({ bucket: BUCKET, key: 'f/{date}.jsonl' });
    expect(problemsOf({ a: pipe(['alice'], flat), b: pipe(fromPipeline('a', () => 'x'), flat) })).toEqual([]);
  });
});

describe('s3.ndjson check', () => {
  const check = (options: Partial<S3SinkOptions>) => s3Sink.definition.check?.({ bucket: BUCKET, key: 'a/{partition}.ndjson', ...options }) ?? [];

  it('accepts a valid configuration', () => {
    expect(check({})).toEqual([]);
    expect(check({ key: 'a/dt={date}/{hour}/{runId}-{partition}.ndjson.gz', manifest: 'm/dt={date}/{runId}.json', rollover: { maxRecords: 5 } })).toEqual([]);
  });

  it('reports an unknown placeholder at path "key", with the allowed ones', () => {
    const problems = check({ key: 'a/{partiton}.ndjson' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('key');
    expect(problems[0]?.message).toMatch(/\{partiton\}.*\{pipeline\}, \{partition\}, \{date\}, \{hour\}, \{runId\}/);
  });

  it('reports compression that disagrees with the .gz suffix, both ways', () => {
    expect(check({ key: 'a/{partition}.ndjson.gz', compression: 'none' })).toEqual([{ path: 'key', message: expect.stringContaining('.gz') }]);
    expect(check({ key: 'a/{partition}.ndjson', compression: 'gzip' })).toEqual([{ path: 'key', message: expect.stringContaining('.gz') }]);
  });

  it('reports leading slashes, dot segments and unbalanced braces', () => {
    expect(check({ key: '/a/{partition}' })).toHaveLength(1);
    expect(check({ key: 'a/../{partition}' })).toHaveLength(1);
    expect(check({ key: 'a/{partition' })).toHaveLength(1);
  });

  it('reports manifest keys without {runId}, with task placeholders, or equal to the data key', () => {
    expect(check({ manifest: '_manifests/latest.json' })).toEqual([{ path: 'manifest', message: expect.stringContaining('must contain {runId}') }]);
    expect(check({ manifest: '_m/{partition}-{runId}.json' })).toEqual([{ path: 'manifest', message: expect.stringContaining('unknown placeholder {partition}') }]);
    expect(check({ key: 'x/{runId}.json', manifest: 'x/{runId}.json' })).toEqual([{ path: 'manifest', message: 'the manifest key must differ from the data key' }]);
  });

  it('reports user metadata over 2 KB', () => {
    expect(check({ metadata: { a: 'x'.repeat(2047) } })).toEqual([]);
    expect(check({ metadata: { a: 'x'.repeat(2048) } })).toEqual([{ path: 'metadata', message: 'user-defined metadata takes 2049 bytes; S3 allows 2048' }]);
  });
});
