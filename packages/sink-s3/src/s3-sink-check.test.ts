// The sink's check() against s3rver: what is certain to fail a run rejects; a check that was itself not
// allowed (HeadBucket denied to a writer with only s3:PutObject) leaves the bucket unverified and the run
// goes on, writing as it always did.
import { getObject, s3Faults, startS3, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, task, useSinks, writeTask } from './test-support/sink-harness.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

useS3rverCredentials();
const createSink = useSinks();
const servers: S3Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('s3Sink check()', () => {
  it('passes for a bucket that is there', async () => {
    const server = await startS3({ buckets: ['raw'] });
    servers.push(server);
    const sink = await createSink(server, { bucket: 'raw' });
    await expect(sink.check?.({})).resolves.toBeUndefined();
  });

  it('rejects a bucket that is not there, in one line', async () => {
    const server = await startS3({ buckets: ['raw'] });
    servers.push(server);
    const sink = await createSink(server, { bucket: 'nope' });
    await expect(sink.check?.({})).rejects.toThrow(/^s3:\/\/nope: no such bucket at http:\/\/127\.0\.0\.1:\d+ \(create it or correct the `bucket` option\); nothing was fetched$/);
  });

  it('leaves the bucket unverified when HeadBucket is denied, and the writes still land', async () => {
    const server = await startS3({ buckets: ['raw'], faults: (r) => (r.operation === 'HeadBucket' ? s3Faults.accessDenied() : undefined) });
    servers.push(server);
    const sink = await createSink(server, { bucket: 'raw' });
    await expect(sink.check?.({})).resolves.toEqual({
      unverified: 's3://raw: HeadBucket was denied (it needs s3:ListBucket), so the bucket was not checked; writes need only s3:PutObject and go ahead',
    });
    expect(server.requestLog.map((r) => [r.operation, r.fault])).toEqual([['HeadBucket', 'AccessDenied']]);
    await writeTask(sink, task('alice'), [[{ n: 1 }]]);
    expect((await getObject(server, 'raw', 'feeds/dt=2024-03-09/alice.ndjson')).toString()).toBe(ndjson([{ n: 1 }]));
  });
});
