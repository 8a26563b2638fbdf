import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { defineSink, defineSource, StateLockedError } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import { listKeys, startS3, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../s3-client.js';
import { useS3rverCredentials } from '../test-support/s3rver-env.js';
import { s3State } from './s3-state.js';
import { S3StateStore } from './s3-state-store.js';

useS3rverCredentials();
const BUCKET = 'state';

let server: S3Server;
let dir: string;
beforeEach(async () => {
  server = await startS3({ buckets: [BUCKET] });
  dir = await mkdtemp(join(tmpdir(), 'etl-s3state-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const storeFor = (lockTtlMs = 60_000) =>
  new S3StateStore({ client: createS3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' }), bucket: BUCKET, prefix: '_etl/state', lockTtlMs });

describe('S3 state store', () => {
  it('keeps runs and task states as objects beside the data', async () => {
    const store = storeFor();
    const run = { runId: 'r1', status: 'running', startedAt: '2026-01-01T00:00:00.000Z', config: 'etl.config.ts', selection: { pipelines: [], partitions: [] }, tasks: [], dynamicPartitions: {}, outputs: [], errors: [], attempts: 1 } as const;
    await store.saveRun(run);
    await store.saveRun({ ...run, runId: 'r2', startedAt: '2026-01-02T00:00:00.000Z' });
    expect((await store.listRuns()).map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(await store.getRun('r1')).toEqual(run);
    await store.saveTaskState('feeds', 'did:plc:a/b..', { bookmark: { newest: 'x' } });
    await store.saveTaskState('feeds', 'bob', { lastStatus: 'failed' });
    expect(await store.listTaskStates('feeds')).toEqual([
      { partition: 'bob', state: { lastStatus: 'failed' } },
      { partition: 'did:plc:a/b..', state: { bookmark: { newest: 'x' } } },
    ]);
    expect(await store.resetTaskState('feeds', 'bob')).toBe(1);
    expect(await store.getTaskState('feeds', 'bob')).toBeUndefined();
    expect((await listKeys(server, BUCKET)).sort()).toEqual(['_etl/state/runs/r1.json', '_etl/state/runs/r2.json', '_etl/state/tasks/feeds/did%3Aplc%3Aa%2Fb%2E%2E.json']);
    await store.close();
  });

  it('refuses a second holder of a pipeline lock, and takes over a stale one', async () => {
    // A TTL far longer than a loaded machine takes between writing a fresh lock and trying it.
    const first = storeFor(10_000);
    const second = storeFor(10_000);
    const lock = await first.lock(['feeds'], { runId: 'run-a' });
    await expect(second.lock(['other', 'feeds'], { runId: 'run-b' })).rejects.toThrow(/pipeline 'feeds' is locked by run run-a \(pid \d+ on .+\) in s3:\/\/state\/_etl\/state/);
    // The refused run took nothing: 'other' is still free.
    const other = await second.lock(['other'], { runId: 'run-c' });
    await other.release();
    await lock.release();
    const again = await second.lock(['feeds'], { runId: 'run-d' });
    await again.release();
    // A lock its holder stopped refreshing (the process died) is stale after the TTL and taken over.
    const client = createS3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' });
    const lockOf = (refreshedAt: string) => JSON.stringify({ runId: 'crashed', owner: 'x', host: 'elsewhere', pid: 1, since: refreshedAt, refreshedAt });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '_etl/state/locks/feeds.json', Body: lockOf(new Date().toISOString()) }));
    await expect(first.lock(['feeds'], { runId: 'too-early' })).rejects.toBeInstanceOf(StateLockedError);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '_etl/state/locks/feeds.json', Body: lockOf(new Date(Date.now() - 11_000).toISOString()) }));
    const takeover = await first.lock(['feeds'], { runId: 'after-ttl' });
    await takeover.release();
    client.destroy();
  });

  it('two concurrent runs of the same pipeline: the second refuses, the first completes untouched', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fetching!: () => void;
    const fetched = new Promise<void>((resolve) => (fetching = resolve));
    const source = defineSource({ name: 'test.gated', options: { type: 'object' }, create: () => ({ fetchPage: async ({ partition }) => (fetching(), await gate, { records: [partition] }) }) });
    const written: string[] = [];
    const sink = defineSink({
      name: 'test.collect',
      options: { type: 'object' },
      create: () => ({ open: async () => ({ write: async (r) => void written.push(...(r as string[])), commit: async () => ({ outputs: [] }), abort: async () => undefined }) }),
    });
    const config = validateConfig({
      state: s3State({ bucket: BUCKET, endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' }),
      pipelines: { feeds: { source: source({}), partitions: ['a', 'b'], sink: sink({}) } },
    }, 'etl.config.ts', dir);
    const first = runPipelines(config);
    await fetched; // the first run is fetching, so it holds the lock (a fixed wait would race a slow machine)
    await expect(runPipelines(config)).rejects.toThrow(/pipeline 'feeds' is locked by run/);
    release();
    const summary = await first;
    expect(summary.status).toBe('succeeded');
    expect(written).toEqual(['a', 'b']);
    expect((await listKeys(server, BUCKET)).filter((k) => k.includes('/locks/'))).toEqual([]);
    expect((await listKeys(server, BUCKET)).filter((k) => k.includes('/runs/'))).toEqual([`_etl/state/runs/${summary.runId}.json`]);
  });
});
