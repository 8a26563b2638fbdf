// Chunk checkpoints through the whole core: a task that fails midway resumes after its last committed
// part objects, and the bucket ends up exactly as after a run without the failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSource, type RunEvent } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import { getObject, listKeys, startS3, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3Sink } from './index.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

useS3rverCredentials();
const BUCKET = 'checkpoints';

let server: S3Server;
let dir: string;
beforeEach(async () => {
  server = await startS3({ buckets: [BUCKET] });
  dir = await mkdtemp(join(tmpdir(), 'etl-s3cp-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** 20 records, 3 per page (7 pages); fails for good at `failAt.cursor` while `failAt.on` is set. */
function pagedSource(failAt: { cursor?: string }, cursors: (string | undefined)[]) {
  return defineSource({
    name: 'test.paged',
    options: { type: 'object' },
    create: () => ({
      async fetchPage({ partition, cursor }) {
        cursors.push(cursor);
        if (cursor !== undefined && cursor === failAt.cursor) throw new Error('upstream went away');
        const from = Number(cursor ?? 0);
        const count = Math.min(3, 20 - from);
        return { records: Array.from({ length: count }, (_, i) => ({ partition, n: from + i })), cursor: from + count < 20 ? String(from + count) : undefined };
      },
      isRetryable: () => false,
    }),
  })({});
}

async function bucketContents(prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await listKeys(server, BUCKET)) if (key.startsWith(prefix)) out.set(key.slice(prefix.length), (await getObject(server, BUCKET, key)).toString('utf8'));
  return out;
}

describe('checkpoints with the S3 sink', () => {
  it('resumes a failed task after its last checkpoint: the same objects as a run without failure', async () => {
    // Each run keeps state (checkpoints need it), the clean one in its own folder.
    const config = (prefix: string, failAt: { cursor?: string }, cursors: (string | undefined)[]) =>
      validateConfig({
        pipelines: {
          feeds: {
            source: pagedSource(failAt, cursors),
            partitions: ['alice'],
            sink: s3Sink({ bucket: BUCKET, key: `${prefix}/{partition}.jsonl`, endpoint: server.endpoint, forcePathStyle: true, rollover: { maxRecords: 4 }, manifest: `${prefix}/_manifests/{runId}.json` }),
            checkpoint: { everyPages: 2 },
            policy: { retry: { attempts: 1 } },
          },
        },
      }, 'etl.config.ts', join(dir, prefix));

    const clean: (string | undefined)[] = [];
    await runPipelines(config('clean', {}, clean), { runId: 'r1' });
    const expected = await bucketContents('clean/');
    // Parts roll over at 4 records and at each checkpoint (every 2 pages of 3 records): 4+2 three times, then 2.
    expect([...expected.entries()].filter(([k]) => !k.startsWith('_')).map(([k, body]) => [k, body.trim().split('\n').length])).toEqual(
      [4, 2, 4, 2, 4, 2, 2].map((n, i) => [`alice-0000${i + 1}.jsonl`, n]),
    );

    const failAt: { cursor?: string } = { cursor: '15' };
    const cursors: (string | undefined)[] = [];
    const events: RunEvent[] = [];
    const first = await runPipelines(config('resumed', failAt, cursors), { onEvent: (e) => events.push(e), runId: 'r1' });
    expect(first.tasks[0]?.status).toBe('failed');
    expect(events.filter((e) => e.type === 'task-checkpointed').length).toBe(2); // after pages 2 and 4

    delete failAt.cursor;
    cursors.length = 0;
    const second = await runPipelines(config('resumed', failAt, cursors), { resume: 'failed' });
    expect(second.status).toBe('succeeded');
    expect(cursors[0]).toBe('12'); // after the 4 pages of the last checkpoint
    const resumed = await bucketContents('resumed/');
    for (const [key, body] of expected) if (!key.startsWith('_')) expect(resumed.get(key), key).toBe(body);
    expect([...resumed.keys()].filter((k) => !k.startsWith('_')).sort()).toEqual([...expected.keys()].filter((k) => !k.startsWith('_')).sort());
    const manifest = JSON.parse(resumed.get('_manifests/r1.json') ?? '{}') as { status: string; objects: { key: string; records: number }[] };
    expect(manifest.status).toBe('succeeded');
    expect(manifest.objects.map((o) => o.key)).toEqual([...expected.keys()].filter((k) => !k.startsWith('_')).sort().map((k) => `resumed/${k}`));
    expect(manifest.objects.reduce((n, o) => n + o.records, 0)).toBe(20);
  });
});
