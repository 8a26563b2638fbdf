import { defineSource, isSinkSpec, PartitionSkippedError, type RunSummary, type SinkRunReport, type SinkSpec, type SourceSpec } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import { getObject, listKeys, s3Faults, startS3, type S3Faults, type S3Server } from '@etl/dev-servers/s3';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Sink, type RunManifest, type S3SinkOptions } from './index.js';
import { buildRunManifest } from './run-manifest.js';
import { useS3rverCredentials } from './test-support/s3rver-env.js';

const BUCKET = 'runs';
useS3rverCredentials();

/** Pages of `{ partition, n }` records; a partition listed in `failOn` fails, one in `skip` is skipped. */
const tinySource = defineSource({
  name: 'test.tiny',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['records'],
    properties: {
      records: { type: 'integer', minimum: 0 },
      failOn: { type: 'array', items: { type: 'string' } },
      skip: { type: 'array', items: { type: 'string' } },
    },
  } as const,
  create: (options) => ({
    async fetchPage({ partition, cursor }) {
      if (options.failOn?.includes(partition)) throw new Error(`no such feed: ${partition}`);
      if (options.skip?.includes(partition)) throw new PartitionSkippedError(`${partition} is gone`);
      const from = Number(cursor ?? 0);
      const count = Math.min(3, options.records - from);
      const records = Array.from({ length: count }, (_, i) => ({ partition, n: from + i }));
      return { records, cursor: from + count < options.records ? String(from + count) : undefined };
    },
    isRetryable: () => false,
  }),
});

let server: S3Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface TestPipeline {
  readonly partitions: string[];
  readonly source?: SourceSpec;
  /** Options for a fresh s3Sink on the test server, or a sink value. */
  readonly sink: Partial<S3SinkOptions> | SinkSpec;
}

async function run(pipelines: Record<string, TestPipeline>, faults?: S3Faults): Promise<{ summary: RunSummary; server: S3Server }> {
  server ??= await startS3({ buckets: [BUCKET], ...(faults ? { faults } : {}) });
  const s3 = server;
  const raw = {
    pipelines: Object.fromEntries(
      Object.entries(pipelines).map(([name, p]) => [
        name,
        {
          source: p.source ?? tinySource({ records: 5 }),
          partitions: p.partitions,
          sink: isSinkSpec(p.sink) ? p.sink : s3Sink({ bucket: BUCKET, key: '{pipeline}/{partition}.jsonl', endpoint: s3.endpoint, forcePathStyle: true, ...p.sink }),
          policy: { retry: { attempts: 1 } },
        },
      ]),
    ),
  };
  const summary = await runPipelines(validateConfig(raw, 'test.config.ts'), { runId: 'run-7', state: false });
  return { summary, server: s3 };
}

async function manifestOf(s3: S3Server, key = '_manifests/run-7.json'): Promise<RunManifest> {
  return JSON.parse((await getObject(s3, BUCKET, key)).toString('utf8')) as RunManifest;
}

describe('run manifest (whole runs)', () => {
  it('lists every committed object of a succeeded run, written last, and is the sink output of the run', async () => {
    const { summary, server } = await run({ feeds: { partitions: ['alice', 'bob'], sink: { rollover: { maxRecords: 4 } } } });
    expect(summary.status).toBe('succeeded');
    const manifest = await manifestOf(server);

    expect(manifest).toMatchObject({ manifestVersion: 1, runId: 'run-7', status: 'succeeded', runStatus: 'succeeded', bucket: BUCKET, format: 'ndjson', compression: 'none' });
    expect(manifest.objects).toEqual([
      { pipeline: 'feeds', partition: 'alice', key: 'feeds/alice-00001.jsonl', url: `s3://${BUCKET}/feeds/alice-00001.jsonl`, records: 4, bytes: expect.any(Number) },
      { pipeline: 'feeds', partition: 'alice', key: 'feeds/alice-00002.jsonl', url: `s3://${BUCKET}/feeds/alice-00002.jsonl`, records: 1, bytes: expect.any(Number) },
      { pipeline: 'feeds', partition: 'bob', key: 'feeds/bob-00001.jsonl', url: `s3://${BUCKET}/feeds/bob-00001.jsonl`, records: 4, bytes: expect.any(Number) },
      { pipeline: 'feeds', partition: 'bob', key: 'feeds/bob-00002.jsonl', url: `s3://${BUCKET}/feeds/bob-00002.jsonl`, records: 1, bytes: expect.any(Number) },
    ]);
    for (const object of manifest.objects) expect((await getObject(server, BUCKET, object.key)).length).toBe(object.bytes);
    expect(manifest.totals).toEqual({ tasks: 2, objects: 4, records: 10, bytes: manifest.objects.reduce((s, o) => s + o.bytes, 0) });
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
    expect(summary.outputs).toEqual([{ location: `s3://${BUCKET}/_manifests/run-7.json`, records: 10, bytes: expect.any(Number) }]);

    // Written after every task: the manifest's PutObject is the run's last write (the reads are ours).
    const last = server.requestLog.filter((r) => r.operation !== 'GetObject').at(-1);
    expect([last?.operation, last?.key]).toEqual(['PutObject', '_manifests/run-7.json']);
  });

  it('lists only committed objects and says failed when a task fails; the other tasks still run', async () => {
    const { summary, server } = await run({ feeds: { partitions: ['alice', 'bob', 'carol'], source: tinySource({ records: 5, failOn: ['bob'] }), sink: {} } });
    expect(summary.status).toBe('failed');
    const manifest = await manifestOf(server);

    expect(manifest.status).toBe('failed');
    expect(manifest.objects.map((o) => o.key)).toEqual(['feeds/alice.jsonl', 'feeds/carol.jsonl']);
    expect(manifest.tasks).toEqual([
      { pipeline: 'feeds', partition: 'alice', status: 'succeeded', records: 5, objects: 1 },
      { pipeline: 'feeds', partition: 'bob', status: 'failed', records: 0, objects: 0 },
      { pipeline: 'feeds', partition: 'carol', status: 'succeeded', records: 5, objects: 1 },
    ]);
    expect((await listKeys(server, BUCKET)).sort()).toEqual(['_manifests/run-7.json', 'feeds/alice.jsonl', 'feeds/carol.jsonl']);
  });

  it('fails only the task whose object S3 refuses, with a message naming bucket and key', async () => {
    const denyBob: S3Faults = (r) => (r.key === 'feeds/bob.jsonl' ? s3Faults.accessDenied() : undefined);
    const { summary, server } = await run({ feeds: { partitions: ['alice', 'bob', 'carol'], sink: {} } }, denyBob);

    expect(summary.tasks.map((t) => [t.partition, t.status])).toEqual([['alice', 'succeeded'], ['bob', 'failed'], ['carol', 'succeeded']]);
    expect(summary.tasks[1]?.error?.message).toMatch(/^writing s3:\/\/runs\/feeds\/bob\.jsonl failed: PutObject answered AccessDenied \(HTTP 403\)/);
    const manifest = await manifestOf(server);
    expect([manifest.status, manifest.objects.map((o) => o.partition)]).toEqual(['failed', ['alice', 'carol']]);
  });

  it('keeps a skipped task out of the objects without failing the manifest', async () => {
    const { server } = await run({ feeds: { partitions: ['alice', 'gone'], source: tinySource({ records: 2, skip: ['gone'] }), sink: {} } });
    const manifest = await manifestOf(server);
    expect(manifest.status).toBe('succeeded');
    expect(manifest.tasks.map((t) => [t.partition, t.status, t.objects])).toEqual([['alice', 'succeeded', 1], ['gone', 'skipped', 0]]);
  });

  it('writes no manifest with manifest: false', async () => {
    const { summary, server } = await run({ feeds: { partitions: ['alice'], sink: { manifest: false } } });
    expect(summary.outputs).toEqual([]);
    expect(await listKeys(server, BUCKET)).toEqual(['feeds/alice.jsonl']);
  });

  it('renders a manifest key template with the run start date', async () => {
    const { summary, server } = await run({ feeds: { partitions: ['alice'], sink: { manifest: 'runs/dt={date}/{runId}.manifest.json' } } });
    const date = summary.startedAt.slice(0, 10);
    expect((await manifestOf(server, `runs/dt=${date}/run-7.manifest.json`)).objects).toHaveLength(1);
  });

  it('refuses two s3Sink values writing one manifest, instead of one silently replacing the other', async () => {
    const { summary, server } = await run({ posts: { partitions: ['alice'], sink: {} }, likes: { partitions: ['alice'], sink: {} } });
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((t) => [t.pipeline, t.status])).toEqual([['posts', 'succeeded'], ['likes', 'failed']]);
    expect(summary.tasks[1]?.error?.message).toContain(
      `would write s3://${BUCKET}/_manifests/run-7.json, which the manifest of another s3Sink already writes in this run: give each s3Sink its own \`manifest\` key, or use one s3Sink value`,
    );
    expect(summary.errors).toHaveLength(1);
    expect((await manifestOf(server)).objects.map((o) => o.pipeline)).toEqual(['posts']);
  });

  it('lists the pipelines of one shared s3Sink value in one manifest', async () => {
    server = await startS3({ buckets: [BUCKET] });
    const shared = s3Sink({ bucket: BUCKET, key: '{pipeline}/{partition}.jsonl', endpoint: server.endpoint, forcePathStyle: true });
    await run({ posts: { partitions: ['alice'], sink: shared }, likes: { partitions: ['alice'], sink: shared } });
    expect((await manifestOf(server)).objects.map((o) => o.key)).toEqual(['posts/alice.jsonl', 'likes/alice.jsonl']);
  });
});

describe('buildRunManifest', () => {
  const report = (tasks: SinkRunReport['tasks'], status: SinkRunReport['status'] = 'succeeded'): SinkRunReport => ({
    runId: 'r',
    status,
    startedAt: new Date('2024-03-09T07:45:00Z'),
    finishedAt: new Date('2024-03-09T07:46:00Z'),
    tasks,
  });
  const ok = { pipeline: 'p', partition: 'a', status: 'succeeded' as const, records: 2, outputs: [{ location: 's3://b/p/a.jsonl', records: 2, bytes: 9 }] };

  it('takes its status from its own tasks: failed before aborted before succeeded', () => {
    const build = (tasks: SinkRunReport['tasks'], status?: SinkRunReport['status']) => buildRunManifest(report(tasks, status), { bucket: 'b', compression: 'none' });
    expect(build([ok]).status).toBe('succeeded');
    // Another sink's task failed the run; this manifest's data is still complete.
    expect(build([ok], 'failed')).toMatchObject({ status: 'succeeded', runStatus: 'failed' });
    expect(build([ok, { ...ok, partition: 'c', status: 'aborted', outputs: [] }]).status).toBe('aborted');
    expect(build([{ ...ok, status: 'aborted', outputs: [] }, { ...ok, status: 'failed', outputs: [] }]).status).toBe('failed');
    expect(build([]).status).toBe('succeeded');
  });

  it('never lists outputs of a task that did not succeed', () => {
    const manifest = buildRunManifest(report([{ ...ok, status: 'failed' }]), { bucket: 'b', compression: 'gzip' });
    expect(manifest.objects).toEqual([]);
    expect(manifest.tasks).toEqual([{ pipeline: 'p', partition: 'a', status: 'failed', records: 2, objects: 0 }]);
    expect(manifest.compression).toBe('gzip');
  });
});
