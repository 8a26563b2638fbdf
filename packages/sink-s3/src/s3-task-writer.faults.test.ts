// The writer under S3 faults, injected by the loopback layer in front of s3rver: throttling, 5xx and
// connection resets must be retried until the object lands byte-identical; a permanent failure must fail
// the task with a message naming the object, and leave nothing visible.
import { gunzipSync } from 'node:zlib';
import { getObject, listKeys, s3Faults, startS3, type S3Faults, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { S3SinkOptions } from './index.js';
import { ndjson, rejectionOf, task, useSinks, writeTask } from './test-support/sink-harness.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

const BUCKET = 'faults';
const MIB = 1024 * 1024;
useS3rverCredentials();
const createSink = useSinks();

let server: S3Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function sinkBehind(faults: S3Faults, options: Partial<S3SinkOptions>) {
  server = await startS3({ buckets: [BUCKET], faults });
  return { server, sink: await createSink(server, { bucket: BUCKET, manifest: false, partSizeBytes: 5 * MIB, ...options }) };
}

/** ~13 MB of NDJSON in pages: three 5 MiB parts uncompressed. */
function bigPages(): { id: number; filler: string }[][] {
  const filler = 'f'.repeat(1000);
  return Array.from({ length: 13 }, (_, page) => Array.from({ length: 1000 }, (_, i) => ({ id: page * 1000 + i, filler })));
}

describe('S3 faults', () => {
  it('retries throttling, 5xx and resets on every kind of request: the object lands byte-identical', async () => {
    const transient: S3Faults = (r) => {
      if (r.seen > 1) return undefined;
      if (r.operation === 'CreateMultipartUpload') return s3Faults.reset();
      if (r.operation === 'UploadPart' && r.partNumber === 1) return s3Faults.slowDown();
      if (r.operation === 'UploadPart' && r.partNumber === 2) return s3Faults.internalError();
      if (r.operation === 'UploadPart' && r.partNumber === 3) return s3Faults.reset();
      if (r.operation === 'CompleteMultipartUpload') return s3Faults.slowDown();
      return undefined;
    };
    const { server, sink } = await sinkBehind(transient, {});
    const pages = bigPages();
    const result = await writeTask(sink, task(), pages);

    const body = await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson');
    expect(body.equals(Buffer.from(ndjson(pages.flat())))).toBe(true);
    expect(result.outputs).toEqual([{ location: `s3://${BUCKET}/feeds/dt=2024-03-09/alice.ndjson`, records: 13_000, bytes: body.length }]);
    expect(server.requestLog.filter((r) => r.fault !== undefined).map((r) => `${r.operation}${r.partNumber ?? ''}:${r.fault}`).sort()).toEqual([
      'CompleteMultipartUpload:SlowDown',
      'CreateMultipartUpload:reset',
      'UploadPart1:SlowDown',
      'UploadPart2:InternalError',
      'UploadPart3:reset',
    ]);
  });

  it('retries gateway answers that are no S3 error document, and bodies cut off mid-way: the object lands byte-identical', async () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
    const initiated = `<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>k</Key><UploadId>never-used</UploadId></InitiateMultipartUploadResult>`;
    const gateway: S3Faults = (r) => {
      if (r.seen > 1) return undefined;
      if (r.operation === 'CreateMultipartUpload') return s3Faults.raw(200, initiated, { truncate: true });
      if (r.operation === 'UploadPart' && r.partNumber === 1) return s3Faults.raw(502, 'Bad Gateway');
      if (r.operation === 'UploadPart' && r.partNumber === 2) return s3Faults.raw(502, html, { headers: { 'content-type': 'text/html' } });
      if (r.operation === 'UploadPart' && r.partNumber === 3) return s3Faults.raw(500, '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encount', { truncate: true });
      if (r.operation === 'CompleteMultipartUpload') return s3Faults.raw(504, 'upstream request timeout', { headers: { 'content-type': 'text/plain' } });
      return undefined;
    };
    const { server, sink } = await sinkBehind(gateway, {});
    const pages = bigPages();
    await writeTask(sink, task(), pages);

    const body = await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson');
    expect(body.equals(Buffer.from(ndjson(pages.flat())))).toBe(true);
    expect(server.requestLog.filter((r) => r.fault !== undefined).map((r) => `${r.operation}${r.partNumber ?? ''}:${r.fault}`).sort()).toEqual([
      'CompleteMultipartUpload:raw 504',
      'CreateMultipartUpload:raw 200 truncated',
      'UploadPart1:raw 502',
      'UploadPart2:raw 502',
      'UploadPart3:raw 500 truncated',
    ]);
  });

  it('retries a small PutObject answered 503 with an HTML page, and fails a 403 HTML page at once naming status and operation', async () => {
    const page = (status: number) => s3Faults.raw(status, `<html><body><h1>${status}</h1></body></html>`, { headers: { 'content-type': 'text/html' } });
    const flaky: S3Faults = (r) => (r.operation === 'PutObject' && r.seen === 1 ? page(503) : undefined);
    const { server, sink } = await sinkBehind(flaky, {});
    await writeTask(sink, task(), [[{ id: 1 }]]);
    expect(await getObject(server, BUCKET, 'feeds/dt=2024-03-09/alice.ndjson')).toEqual(Buffer.from(ndjson([{ id: 1 }])));
    await server.close();

    const denied: S3Faults = (r) => (r.operation === 'PutObject' ? page(403) : undefined);
    const behind = await sinkBehind(denied, { retry: { maxAttempts: 3 } });
    const error = await rejectionOf(writeTask(behind.sink, task(), [[{ id: 1 }]]));
    expect(error.message).toMatch(/^writing s3:\/\/faults\/feeds\/dt=2024-03-09\/alice\.ndjson failed: PutObject answered HTTP 403 without an S3 error document$/);
    expect(error.message).not.toContain('\n');
    expect(behind.server.requestLog.filter((r) => r.operation === 'PutObject')).toHaveLength(1);
    expect(await listKeys(behind.server, BUCKET)).toEqual([]);
  });

  it('retries a failed PutObject (small objects) and gzip parts of a rolled-over task', async () => {
    const flaky: S3Faults = (r) => (r.seen <= 2 && (r.operation === 'PutObject' || r.operation === 'UploadPart') ? s3Faults.internalError() : undefined);
    const { server, sink } = await sinkBehind(flaky, { key: 'feeds/{partition}.jsonl.gz', rollover: { maxRecords: 3 } });
    const all = Array.from({ length: 8 }, (_, id) => ({ id }));
    await writeTask(sink, task(), [all]);

    const keys = await listKeys(server, BUCKET);
    expect(keys).toEqual(['feeds/alice-00001.jsonl.gz', 'feeds/alice-00002.jsonl.gz', 'feeds/alice-00003.jsonl.gz']);
    const texts = await Promise.all(keys.map(async (key) => gunzipSync(await getObject(server, BUCKET, key)).toString()));
    expect(texts).toEqual([ndjson(all.slice(0, 3)), ndjson(all.slice(3, 6)), ndjson(all.slice(6))]);
    expect(server.requestLog.filter((r) => r.fault === 'InternalError')).toHaveLength(6);
  });

  it('fails the task on a part that always fails, naming object, part and attempts; nothing is visible', async () => {
    const brokenPart: S3Faults = (r) => (r.operation === 'UploadPart' && r.partNumber === 2 ? s3Faults.internalError() : undefined);
    const { server, sink } = await sinkBehind(brokenPart, { retry: { maxAttempts: 3 } });
    const writer = await sink.open(task());
    const error = await rejectionOf(
      (async () => {
        for (const page of bigPages()) await writer.write(page);
        await writer.commit();
      })(),
    );
    await writer.abort(error);

    expect(error.message).toBe(
      `writing s3://${BUCKET}/feeds/dt=2024-03-09/alice.ndjson failed: UploadPart 2 answered InternalError (HTTP 500) after 3 attempts: ` +
        'We encountered an internal error. Please try again. (S3 kept failing: retry the run later, or raise `retry.maxAttempts`)',
    );
    expect(server.requestLog.filter((r) => r.operation === 'UploadPart' && r.partNumber === 2)).toHaveLength(3);
    expect(server.requestLog.some((r) => r.operation === 'CompleteMultipartUpload')).toBe(false);
    expect(server.requestLog.some((r) => r.operation === 'AbortMultipartUpload')).toBe(true);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('fails a permanently throttled PutObject with SlowDown after the attempts; nothing is visible', async () => {
    const throttled: S3Faults = (r) => (r.operation === 'PutObject' ? s3Faults.slowDown() : undefined);
    const { server, sink } = await sinkBehind(throttled, { retry: { maxAttempts: 2 } });
    const error = await rejectionOf(writeTask(sink, task(), [[{ id: 1 }]]));
    expect(error.message).toMatch(/^writing s3:\/\/faults\/feeds\/dt=2024-03-09\/alice\.ndjson failed: PutObject answered SlowDown \(HTTP 503\) after 2 attempts/);
    expect(await listKeys(server, BUCKET)).toEqual([]);
  });

  it('a commit that fails half-way leaves earlier parts visible, the failed one and later ones not', async () => {
    const brokenComplete: S3Faults = (r) =>
      r.operation === 'CompleteMultipartUpload' && r.key === 'feeds/alice-00002.jsonl' ? s3Faults.accessDenied() : undefined;
    const { server, sink } = await sinkBehind(brokenComplete, { key: 'feeds/{partition}.jsonl', rollover: { maxRecords: 2 } });
    const writer = await sink.open(task());
    await writer.write(Array.from({ length: 5 }, (_, id) => ({ id })));
    const error = await rejectionOf(writer.commit());
    await writer.abort(error);

    expect(error.message).toMatch(/^writing s3:\/\/faults\/feeds\/alice-00002\.jsonl failed: CompleteMultipartUpload answered AccessDenied \(HTTP 403\)/);
    expect(error.message).toContain('s3:PutObject and s3:AbortMultipartUpload');
    // This is why readers go by the run manifest: it does not list this task's objects.
    expect(await listKeys(server, BUCKET)).toEqual(['feeds/alice-00001.jsonl']);
  });
});
