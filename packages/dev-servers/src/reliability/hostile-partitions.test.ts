// Guarantee: whatever the partition key (traversal, slashes, escapes, NUL and control characters, RTL,
// emoji, 1 KB), the real S3 sink writes each partition to its own key under the configured prefix, and the
// key segment decodes back to the partition (or, when shortened, to a prefix of it).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineSource } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import { decodeKeySegment, s3Sink } from '@etl/sink-s3';
import { getObject, listKeys, startS3, type S3Server } from '../s3/index.js';

const BUCKET = 'hostile';
const PARTITIONS = [
  '../../x', '..', '.', 'a/b', '/leading', 'trailing/', '%2F', '%252F', 'a%2Fb', 'nul\u0000byte', 'ctl\u0001\u001f\u007f\t\n\r',
  '\u202Eevil\u202C.txt', 'שלום', '🦋🧪', 'e\u0301', '\u00e9', 'back\\slash', 'sp ace', '?#&=+', 'x'.repeat(1024), 'y'.repeat(1023) + 'z',
];

const echo = defineSource({
  name: 'test.echo',
  options: { type: 'object', additionalProperties: false },
  create: () => ({ fetchPage: async ({ partition }) => ({ records: [{ partition }], cursor: undefined }) }),
});

let s3: S3Server;
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
});
afterAll(async () => {
  for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await s3?.close();
});

it('hostile partitions end to end: keys stay under the prefix, are distinct, and decode back', async () => {
  const config = validateConfig(
    {
      concurrency: { limit: 4 },
      pipelines: {
        p: {
          source: echo({}),
          partitions: PARTITIONS,
          sink: s3Sink({ bucket: BUCKET, key: 'safe/prefix/{partition}.jsonl', endpoint: s3.endpoint, forcePathStyle: true, region: s3.region }),
        },
      },
    },
    'etl.config.ts',
  );
  const summary = await runPipelines(config, { state: false });
  expect(summary.tasks.filter((t) => t.status !== 'succeeded'), JSON.stringify(summary.tasks)).toEqual([]);

  const keys = (await listKeys(s3, BUCKET)).filter((k) => !k.includes('_manifests') && !k.startsWith('_etl'));
  expect(keys).toHaveLength(PARTITIONS.length);
  expect(new Set(keys).size).toBe(PARTITIONS.length);
  const seen = new Set<string>();
  for (const key of keys) {
    expect(key.startsWith('safe/prefix/'), key).toBe(true);
    const segment = key.slice('safe/prefix/'.length, -'.jsonl'.length);
    expect(segment, key).not.toMatch(/[/\u0000-\u001f\u007f]/); // one segment, no control characters
    expect(segment.split('/')).not.toContain('..');
    const record = JSON.parse((await getObject(s3, BUCKET, key)).toString('utf8').trim()) as { partition: string };
    const decoded = decodeKeySegment(segment);
    if (decoded.shortened) expect(record.partition.startsWith(decoded.prefix), key).toBe(true);
    else expect(decoded.value, key).toBe(record.partition);
    seen.add(record.partition);
  }
  expect([...seen].sort()).toEqual([...PARTITIONS].sort());
});
