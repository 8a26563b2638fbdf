import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestS3Client, getObject, listKeys, s3Faults, startS3, type S3Faults, type S3Server } from './index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const BUCKET = 'faulty';
const servers: S3Server[] = [];
const clients: S3Client[] = [];

async function start(faults?: S3Faults): Promise<{ server: S3Server; client: (maxAttempts: number) => S3Client }> {
  const server = await startS3({ buckets: [BUCKET], ...(faults ? { faults } : {}) });
  servers.push(server);
  return {
    server,
    client: (maxAttempts) => {
      const client = createTestS3Client(server, { maxAttempts });
      clients.push(client);
      return client;
    },
  };
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('startS3 faults', () => {
  it('classifies requests by S3 operation, key and part number', async () => {
    const { server, client } = await start();
    const s3 = client(1);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dir/a b%2F.txt', Body: 'x' }));
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/a b%2F.txt' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp', UploadId, PartNumber: 1, Body: Buffer.from('p1') }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp' }));
    await listKeys(server, BUCKET);

    expect(server.requestLog.map((r) => [r.operation, r.key, r.partNumber])).toEqual([
      ['PutObject', 'dir/a b%2F.txt', undefined],
      ['HeadObject', 'dir/a b%2F.txt', undefined],
      ['CreateMultipartUpload', 'mp', undefined],
      ['UploadPart', 'mp', 1],
      ['CompleteMultipartUpload', 'mp', undefined],
      ['GetObject', 'mp', undefined],
      ['ListObjects', undefined, undefined],
    ]);
    expect(server.requestLog.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requestLog.every((r) => r.bucket === BUCKET && r.fault === undefined)).toBe(true);
  });

  it('answers 503 SlowDown as S3 does; the SDK retries and the object lands once', async () => {
    const { server, client } = await start((r) => (r.operation === 'PutObject' && r.seen <= 2 ? s3Faults.slowDown() : undefined));
    await client(3).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: Buffer.from('hello') }));
    expect(server.requestLog.map((r) => [r.operation, r.seen, r.fault])).toEqual([
      ['PutObject', 1, 'SlowDown'],
      ['PutObject', 2, 'SlowDown'],
      ['PutObject', 3, undefined],
    ]);
    expect((await getObject(server, BUCKET, 'k')).toString()).toBe('hello');
  });

  it('surfaces the error code, status and attempts when the fault persists', async () => {
    const { server, client } = await start((r) => (r.operation === 'PutObject' ? s3Faults.internalError() : undefined));
    const error = (await client(2)
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: Buffer.from('x') }))
      .catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number; attempts: number } };
    expect(error.name).toBe('InternalError');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 2 });
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('resets the connection; the SDK sees a network error and retries', async () => {
    const { server, client } = await start((r) => (r.operation === 'UploadPart' && r.seen === 1 ? s3Faults.reset() : undefined));
    const s3 = client(1);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp' }));
    const failed = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp', UploadId, PartNumber: 1, Body: Buffer.from('p') })).catch((e: unknown) => e);
    expect(String((failed as { code?: string }).code ?? failed)).toMatch(/ECONNRESET|socket hang up/);

    const retried = await client(2).send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp', UploadId, PartNumber: 2, Body: Buffer.from('q') }));
    expect(retried.ETag).toBeDefined();
    expect(server.requestLog.filter((r) => r.operation === 'UploadPart').map((r) => [r.partNumber, r.seen, r.fault])).toEqual([
      [1, 1, 'reset'],
      [2, 1, 'reset'],
      [2, 2, undefined],
    ]);
  });

  it('denies chosen keys with 403 AccessDenied', async () => {
    const { server, client } = await start((r) => (r.key?.startsWith('secret/') ? s3Faults.accessDenied() : undefined));
    const s3 = client(3);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'open/x', Body: 'x' }));
    const error = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'secret/x', Body: 'x' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect(await listKeys(server, BUCKET)).toEqual(['open/x']);
  });

  it('holds a request until its promise settles, then lets s3rver answer it', async () => {
    let release = (): void => undefined;
    const until = new Promise<void>((resolve) => (release = resolve));
    const { server, client } = await start((r) => (r.operation === 'PutObject' && r.key === 'held' ? s3Faults.hold(until) : undefined));
    const s3 = client(1);
    let landed = false;
    const put = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'held', Body: 'late' })).then(() => (landed = true));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'free', Body: 'x' }));
    expect(landed).toBe(false);
    expect(await listKeys(server, BUCKET)).toEqual(['free']);
    release();
    await put;
    expect((await getObject(server, BUCKET, 'held')).toString()).toBe('late');
    expect(server.requestLog.filter((r) => r.operation === 'PutObject').map((r) => [r.key, r.fault])).toEqual([
      ['held', 'held'],
      ['free', undefined],
    ]);
  });
});
