import { gunzipSync } from 'node:zlib';
import { getObject, listKeys, readObjects, startS3, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3SinkOptions } from './index.js';
import { ndjson, task, useSinks, writeTask } from './test-support/sink-harness.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

const BUCKET = 'rollover';
useS3rverCredentials();
const createSink = useSinks();

let server: S3Server;
beforeEach(async () => {
  server = await startS3({ buckets: [BUCKET] });
});
afterEach(async () => {
  await server.close();
});

const sink = (options: Partial<S3SinkOptions>) => createSink(server, { bucket: BUCKET, manifest: false, key: 'feeds/{partition}.jsonl', ...options });
const records = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, text: `record ${from + i}` }));

describe('rollover into part objects', () => {
  it('splits after maxRecords, numbering parts before the extension; each part holds whole records in order', async () => {
    const all = records(0, 10);
    const result = await writeTask(await sink({ rollover: { maxRecords: 4 } }), task(), [all.slice(0, 3), all.slice(3, 9), all.slice(9)]);

    const keys = ['feeds/alice-00001.jsonl', 'feeds/alice-00002.jsonl', 'feeds/alice-00003.jsonl'];
    expect(await listKeys(server, BUCKET)).toEqual(keys);
    const bodies = await Promise.all(keys.map((key) => getObject(server, BUCKET, key)));
    expect(bodies.map((b) => b.toString())).toEqual([ndjson(all.slice(0, 4)), ndjson(all.slice(4, 8)), ndjson(all.slice(8))]);
    expect(result.outputs).toEqual(keys.map((key, i) => ({ location: `s3://${BUCKET}/${key}`, records: [4, 4, 2][i], bytes: bodies[i]?.length })));
  });

  it('splits before a record that would pass maxBytes of NDJSON; every gzip part is a complete .gz file', async () => {
    const all = records(0, 50);
    const lines = all.map((r) => Buffer.byteLength(`${JSON.stringify(r)}\n`));
    const maxBytes = 200;
    const result = await writeTask(await sink({ key: 'feeds/{partition}.jsonl.gz', rollover: { maxBytes } }), task(), [all]);

    const objects = await readObjects(server, BUCKET);
    const texts = [...objects.values()].map((body) => gunzipSync(body).toString());
    expect(texts.join('')).toBe(ndjson(all));
    for (const text of texts) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
    // Greedy: each part also could not have taken the next record.
    let index = 0;
    for (const text of texts.slice(0, -1)) {
      index += text.split('\n').length - 1;
      expect(Buffer.byteLength(text) + (lines[index] ?? 0)).toBeGreaterThan(maxBytes);
    }
    expect([...objects.keys()].every((key) => /^feeds\/alice-\d{5}\.jsonl\.gz$/.test(key))).toBe(true);
    expect(result.outputs.reduce((sum, o) => sum + o.records, 0)).toBe(50);
  });

  it('writes part 00001 for a task without records, so the task still shows in the bucket', async () => {
    const result = await writeTask(await sink({ rollover: { maxRecords: 2 } }), task(), [[]]);
    expect(await listKeys(server, BUCKET)).toEqual(['feeds/alice-00001.jsonl']);
    expect(result.outputs).toEqual([{ location: `s3://${BUCKET}/feeds/alice-00001.jsonl`, records: 0, bytes: 0 }]);
  });

  it('uploads rolled-over parts as it goes but makes none visible before commit', async () => {
    const writer = await (await sink({ rollover: { maxRecords: 2 } })).open(task());
    for (let page = 0; page < 4; page += 1) await writer.write(records(page * 3, 3));
    // Five parts are sealed (uploaded into open multipart uploads); the sixth is still in memory.
    expect(server.requestLog.filter((r) => r.operation === 'UploadPart').length).toBeGreaterThan(0);
    expect(await listKeys(server, BUCKET)).toEqual([]);

    await writer.commit();
    expect(await listKeys(server, BUCKET)).toHaveLength(6);
    expect(server.requestLog.filter((r) => r.operation === 'CompleteMultipartUpload')).toHaveLength(5);
    expect(server.requestLog.filter((r) => r.operation === 'PutObject')).toHaveLength(1);
  });

  it('leaves nothing visible when a task with sealed parts is aborted', async () => {
    const writer = await (await sink({ rollover: { maxRecords: 2 } })).open(task());
    await writer.write(records(0, 7));
    await writer.abort(new Error('source failed'));
    expect(await listKeys(server, BUCKET)).toEqual([]);
    expect(server.requestLog.some((r) => r.operation === 'CompleteMultipartUpload' || r.operation === 'PutObject')).toBe(false);
  });

  it('deletes higher-numbered parts an earlier run left, and nothing else', async () => {
    const instance = await sink({ rollover: { maxRecords: 2 } });
    await writeTask(instance, task('alice', { runId: 'run-1' }), [records(0, 9)]);
    // A partition whose name looks like a part key, and an unrelated key with the same prefix.
    await writeTask(instance, task('alice-00004', { runId: 'run-1' }), [records(0, 1)]);
    const unrelated = await sink({ key: 'feeds/{partition}.jsonl.bak' });
    await writeTask(unrelated, task('alice-00005', { runId: 'run-1' }), [records(0, 1)]);
    expect((await listKeys(server, BUCKET)).filter((k) => k.startsWith('feeds/alice-0000') && !k.includes('-00004-'))).toHaveLength(6);

    const rerun = await writeTask(instance, task('alice', { runId: 'run-2' }), [records(100, 3)]);
    expect(rerun.outputs.map((o) => o.location)).toEqual([`s3://${BUCKET}/feeds/alice-00001.jsonl`, `s3://${BUCKET}/feeds/alice-00002.jsonl`]);
    expect(await listKeys(server, BUCKET)).toEqual([
      'feeds/alice-00001.jsonl',
      'feeds/alice-00002.jsonl',
      'feeds/alice-00004-00001.jsonl',
      'feeds/alice-00005.jsonl.bak',
    ]);
    expect((await getObject(server, BUCKET, 'feeds/alice-00002.jsonl')).toString()).toBe(ndjson(records(102, 1)));
  });

  it('keeps memory to parts: a multi-part object inside a rolled-over task comes back byte-identical', async () => {
    const filler = 'q'.repeat(1000);
    const all = Array.from({ length: 14_000 }, (_, id) => ({ id, filler }));
    const result = await writeTask(await sink({ partSizeBytes: 5 * 1024 * 1024, rollover: { maxBytes: 12 * 1024 * 1024 } }), task(), [
      all.slice(0, 7000),
      all.slice(7000),
    ]);
    const bodies = await Promise.all(result.outputs.map((o) => getObject(server, BUCKET, o.location.slice(`s3://${BUCKET}/`.length))));
    expect(bodies).toHaveLength(2);
    expect(Buffer.concat(bodies).equals(Buffer.from(ndjson(all)))).toBe(true);
    // The first object (12 MiB) went up as three 5 MiB-or-less parts of one multipart upload.
    expect(server.requestLog.filter((r) => r.operation === 'UploadPart' && r.key === 'feeds/alice-00001.jsonl').map((r) => r.partNumber)).toEqual(
      expect.arrayContaining([1, 2, 3]),
    );
  });
});
