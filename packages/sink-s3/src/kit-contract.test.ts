// The plugin authors' kit against the built-in S3 sink, on s3rver. Rollover at 2 records makes every
// contract span several part objects (and a rewrite leave stale parts to remove).
import { getObject, listKeys, startS3, type S3Server } from '@etl/dev-servers/s3';
import { testSink } from '@etl/testkit';
import { afterAll, beforeAll } from 'vitest';
import { s3Sink } from './index.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

useS3rverCredentials();
const BUCKET = 'kit';
let server: S3Server;
beforeAll(async () => {
  server = await startS3({ buckets: [BUCKET] });
});
afterAll(async () => {
  await server.close();
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

testSink(s3Sink, {
  options: () => ({ bucket: BUCKET, key: 'contract/{pipeline}/{partition}.ndjson', endpoint: server.endpoint, forcePathStyle: true, rollover: { maxRecords: 2 } }),
  checkpoint: true, // with rollover, writers checkpoint by completing their part objects
  read: async (task) => {
    const mine = new RegExp(`^contract/${escape(task.pipeline)}/${escape(task.partition)}(-\\d+)?\\.ndjson$`);
    const records: unknown[] = [];
    for (const key of await listKeys(server, BUCKET)) {
      if (!mine.test(key)) continue;
      const text = (await getObject(server, BUCKET, key)).toString('utf8');
      records.push(...text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown));
    }
    return records;
  },
  badOptions: [
    { options: { key: 'x/{partition}' }, path: 'bucket' },
    { options: { bucket: 'Not_A_Bucket', key: 'x/{partition}' }, path: 'bucket' },
    { options: { bucket: 'raw', key: 'x/{day}/{partition}' } },
    { options: { bucket: 'raw', key: 'x/{partition}', compression: 'zip' }, path: 'compression' },
  ],
});
