import { readdir } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isAbortError, type SinkInstance, type SinkTask } from '@etl/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getObject, listKeys, startS3, type S3Server } from '@etl/dev-servers';
import { s3Sink, type S3SinkOptions } from './index.js';

const BUCKET = 'etl-test';
const RUN_STARTED_AT = new Date('2024-03-09T07:45:00.000Z');

// The sink takes credentials from the SDK default chain only, so the test provides them the way a user would.
const ENV_OVERRIDES: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
};
const savedEnv = new Map<string, string | undefined>();

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(() => {
  for (const [name, value] of Object.entries(ENV_OVERRIDES)) {
    savedEnv.set(name, process.env[name]);
    setEnv(name, value);
  }
});
afterAll(() => {
  for (const [name, value] of savedEnv) setEnv(name, value);
});

let server: S3Server;
const instances: SinkInstance<unknown>[] = [];

beforeEach(async () => {
  server = await startS3({ buckets: [BUCKET] });
});
afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close?.()));
  await server.close();
});

async function createSink(options: Partial<S3SinkOptions> = {}): Promise<SinkInstance<unknown>> {
  const instance = await s3Sink.definition.create({
    bucket: BUCKET,
    key: 'feeds/dt={date}/{partition}.ndjson',
    endpoint: server.endpoint,
    forcePathStyle: true,
    ...options,
  });
  instances.push(instance);
  return instance;
}

function task(partition = 'alice', signal: AbortSignal = new AbortController().signal): SinkTask {
  return { runId: 'run-1', pipeline: 'feeds', partition, runStartedAt: RUN_STARTED_AT, signal };
}

function ndjson(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

const pages = [
  [{ id: 1, text: 'first' }, { id: 2, text: 'line\nbreak' }],
  [{ id: 3, text: 'ünïcödé ✓' }],
  [{ id: 4, nested: { a: [1, 2] } }, { id: 5, text: null }],
];

describe('s3.ndjson sink', () => {
  it('writes all pages in order as one NDJSON object at the rendered key', async () => {
    const writer = await (await createSink()).open(task());
    for (const page of pages) await writer.write(page);
    const result = await writer.commit();

    const key = 'feeds/dt=2024-03-09/alice.ndjson';
    const body = await getObject(server, BUCKET, key);
    expect(body.toString('utf8')).toBe(ndjson(pages.flat()));
    expect(result.outputs).toEqual([{ location: `s3://${BUCKET}/${key}`, records: 5, bytes: body.length }]);
  });

  it('makes nothing visible, nor sends anything, before commit', async () => {
    const writer = await (await createSink()).open(task());
    await writer.write(pages[0] ?? []);
    await writer.write(pages[1] ?? []);
    expect(server.requests).toBe(0);
    expect(await listKeys(server, BUCKET)).toEqual([]);

    await writer.commit();
    expect(await listKeys(server, BUCKET)).toEqual(['feeds/dt=2024-03-09/alice.ndjson']);
  });

  it('gzips when the key ends in .gz, and counts the compressed bytes', async () => {
    const writer = await (await createSink({ key: '{pipeline}/{partition}.ndjson.gz' })).open(task());
    for (const page of pages) await writer.write(page);
    const result = await writer.commit();

    const body = await getObject(server, BUCKET, 'feeds/alice.ndjson.gz');
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(body).toString('utf8')).toBe(ndjson(pages.flat()));
    expect(result.outputs[0]?.bytes).toBe(body.length);
  });

  it('leaves no object after abort, and refuses further writes', async () => {
    const writer = await (await createSink()).open(task());
    await writer.write(pages[0] ?? []);
    await writer.abort(new Error('task failed'));

    await expect(writer.write(pages[1] ?? [])).rejects.toSatisfy(isAbortError);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('aborts the upload when the task signal fires', async () => {
    const controller = new AbortController();
    const writer = await (await createSink()).open(task('alice', controller.signal));
    await writer.write(pages[0] ?? []);
    controller.abort();

    await expect(writer.commit()).rejects.toSatisfy(isAbortError);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('writes an empty object for zero records, replacing stale data', async () => {
    const sink = await createSink();
    const first = await sink.open(task());
    await first.write(pages[0] ?? []);
    await first.commit();

    const rerun = await sink.open(task());
    await rerun.write([]);
    const result = await rerun.commit();

    expect((await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson')).length).toBe(0);
    expect(result.outputs).toEqual([{ location: `s3://${BUCKET}/feeds/dt=2024-03-09/alice.ndjson`, records: 0, bytes: 0 }]);
  });

  it('keeps hostile partitions under the key prefix, decodable back', async () => {
    const sink = await createSink({ key: 'exports/{partition}/data.ndjson' });
    const partitions = ['../../etc', 'a/b', '..', 'ctl\u0001\n\u007f'];
    for (const partition of partitions) {
      const writer = await sink.open(task(partition));
      await writer.write([{ partition }]);
      await writer.commit();
    }

    const keys = await listKeys(server, BUCKET);
    expect(keys).toHaveLength(partitions.length);
    const decoded = keys.map((key) => {
      const [prefix, segment, file, ...rest] = key.split('/');
      expect([prefix, file, rest]).toEqual(['exports', 'data.ndjson', []]);
      return decodeURIComponent(segment ?? '');
    });
    expect(decoded.sort()).toEqual([...partitions].sort());
    // s3rver maps keys to files: nothing may land beside the bucket's directory.
    expect(await readdir(server.directory)).toEqual([BUCKET]);
  });

  it('names the bucket, key and NoSuchBucket when the bucket is missing', async () => {
    const writer = await (await createSink({ bucket: 'no-such-bucket' })).open(task());
    await writer.write(pages[0] ?? []);
    const error: unknown = await writer.commit().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('s3://no-such-bucket/feeds/dt=2024-03-09/alice.ndjson');
    expect((error as Error).message).toContain('NoSuchBucket');
  });

  it('rejects writes instead of hanging when a multipart upload cannot start', async () => {
    const writer = await (await createSink({ bucket: 'no-such-bucket', partSizeBytes: 5 * 1024 * 1024 })).open(task());
    const page = Array.from({ length: 1000 }, (_, id) => ({ id, filler: 'y'.repeat(1000) }));
    const writeUntilFailure = async (): Promise<unknown> => {
      // ~1 MB per page; lib-storage gives up after its four uploaders each fail on a 5 MiB part.
      for (let attempt = 0; attempt < 100; attempt += 1) await writer.write(page);
      return undefined;
    };
    const error = await writeUntilFailure().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(String(error)).toMatch(/s3:\/\/no-such-bucket\/.*NoSuchBucket/);
    await writer.abort();
  }, 10_000);

  it('names InvalidAccessKeyId when the default chain finds unknown credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'NOT-S3RVER';
    try {
      const writer = await (await createSink()).open(task());
      await writer.write(pages[0] ?? []);
      await expect(writer.commit()).rejects.toThrow(/InvalidAccessKeyId/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    }
  });

  it('streams a large task as a byte-identical multipart upload', async () => {
    const writer = await (await createSink({ partSizeBytes: 5 * 1024 * 1024 })).open(task());
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
    expect(body.length).toBe(want.length);
    expect(body.equals(want)).toBe(true);
    expect(result.outputs[0]).toMatchObject({ records: 20_000, bytes: want.length });
    // CreateMultipartUpload + 4 UploadPart + CompleteMultipartUpload, then our GetObject.
    expect(server.requests).toBeGreaterThanOrEqual(7);
  }, 20_000);

  it('refuses to start with an invalid key template', async () => {
    await expect(createSink({ key: 'x/{nope}' })).rejects.toThrow(/\{nope\}/);
    expect(server.requests).toBe(0);
  });
});

describe('s3.ndjson check', () => {
  const check = (options: Partial<S3SinkOptions>) =>
    s3Sink.definition.check?.({ bucket: BUCKET, key: 'a/{partition}.ndjson', ...options }) ?? [];

  it('accepts a valid configuration', () => {
    expect(check({})).toEqual([]);
    expect(check({ key: 'a/dt={date}/{hour}/{runId}-{partition}.ndjson.gz' })).toEqual([]);
  });

  it('reports an unknown placeholder at path "key", with the allowed ones', () => {
    const problems = check({ key: 'a/{partiton}.ndjson' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('key');
    expect(problems[0]?.message).toMatch(/\{partiton\}.*\{pipeline\}, \{partition\}, \{date\}, \{hour\}, \{runId\}/);
  });

  it('reports compression that disagrees with the .gz suffix, both ways', () => {
    expect(check({ key: 'a/{partition}.ndjson.gz', compression: 'none' })).toEqual([
      { path: 'key', message: expect.stringContaining('.gz') },
    ]);
    expect(check({ key: 'a/{partition}.ndjson', compression: 'gzip' })).toEqual([
      { path: 'key', message: expect.stringContaining('.gz') },
    ]);
  });

  it('reports leading slashes, dot segments and unbalanced braces', () => {
    expect(check({ key: '/a/{partition}' })).toHaveLength(1);
    expect(check({ key: 'a/../{partition}' })).toHaveLength(1);
    expect(check({ key: 'a/{partition' })).toHaveLength(1);
  });
});
