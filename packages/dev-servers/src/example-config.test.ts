// The root etl.config.ts, unchanged, run by the real `etl` binary against the loopback servers: the seed's
// two-stage flow (starter pack members, then one feed task per member) in one run.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, startAppView, type AppView } from './appview/index.js';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { exampleEnv, runExample } from './example-run.js';
import { getObject, listKeys, startS3, type S3Server } from './s3/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUCKET = 'raw';
// Paging edges: empty feed, one post, exactly one page, one over, several pages.
const dataset = generateDataset({
  seed: 7,
  postsPerActor: [0, 1, 100, 101, 250],
  lists: [{ owner: 4, members: [0, 1, 2, 3, 4], name: 'Paging edges', purpose: 'referencelist' }],
  starterPacks: [{ owner: 4, list: 0, name: 'Paging edges' }],
});
const starterPack = dataset.starterPacks?.[0]?.uri ?? '';

let appView: AppView;
let s3: S3Server;
beforeAll(async () => {
  appView = await startAppView({ dataset });
  s3 = await startS3({ buckets: [BUCKET] });
});
afterAll(async () => {
  await appView?.close();
  await s3?.close();
});

describe('root example config', () => {
  it('snapshots the pack, then lands one NDJSON object per member holding exactly the posts served', async () => {
    const result = await runExample({ root, appView, s3, bucket: BUCKET, starterPack, args: ['--json'], stdio: 'pipe' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; runId: string; tasks: { taskId: string; partition: string; records: number; pages: number }[]; outputs: { location: string }[] };
    expect(summary.status).toBe('succeeded');
    const feeds = summary.tasks.filter((t) => t.taskId.startsWith('authorFeeds/'));
    expect(summary.tasks[0]).toMatchObject({ taskId: `starterPackMembers/${starterPack}`, records: 5 });
    expect(feeds.map((t) => t.partition).sort()).toEqual(dataset.actors.map((a) => a.did).sort());
    // limit 100: the AppView returns a cursor on the last partial page, then an empty page.
    const pagesOf = new Map(feeds.map((t) => [t.partition, [t.records, t.pages]]));
    expect(dataset.actors.map((a) => pagesOf.get(a.did))).toEqual([[0, 1], [1, 2], [100, 2], [101, 3], [250, 4]]);

    const date = new Date().toISOString().slice(0, 10);
    const feedKey = (did: string) => `atproto/authorFeeds/dt=${date}/${encodeURIComponent(did)}.jsonl`;
    const manifestKey = `_manifests/${summary.runId}.json`;
    const keys = await listKeys(s3, BUCKET);
    expect(keys.filter((k) => k.startsWith('atproto/authorFeeds/')).sort()).toEqual(dataset.actors.map((a) => feedKey(a.did)).sort());
    expect(summary.outputs.map((o) => o.location)).toEqual([`s3://${BUCKET}/${manifestKey}`]);
    const manifest = JSON.parse((await getObject(s3, BUCKET, manifestKey)).toString('utf8')) as { status: string; objects: { key: string }[] };
    expect(manifest.status).toBe('succeeded');
    expect(manifest.objects.map((o) => o.key).sort()).toEqual(keys.filter((k) => k !== manifestKey).sort());
    const memberKeys = keys.filter((k) => k.startsWith(`atproto/starterPackMembers/dt=${date}/`));
    expect(memberKeys).toHaveLength(1);
    const memberLines = (await getObject(s3, BUCKET, memberKeys[0] as string)).toString('utf8').trimEnd().split('\n');
    expect(memberLines.map((l) => (JSON.parse(l) as { subject: { did: string } }).subject.did).sort()).toEqual(dataset.actors.map((a) => a.did).sort());

    for (const actor of dataset.actors) {
      const body = (await getObject(s3, BUCKET, feedKey(actor.did))).toString('utf8');
      const lines = body === '' ? [] : body.trimEnd().split('\n').map((l) => JSON.parse(l) as { post: { uri: string; cid: string; author: { did: string } } });
      expect(lines.map((l) => l.post.uri)).toEqual(actor.posts.map((p) => p.uri));
      expect(lines.map((l) => l.post.cid)).toEqual(actor.posts.map((p) => p.cid));
    }
    // One call per page, nothing more: the source never re-fetched.
    expect(appView.requestLog.filter((r) => r.nsid === 'app.bsky.feed.getAuthorFeed')).toHaveLength(12);
  });

  it('a partition the upstream did not give is exit 2 with a suggestion, and the run is not recorded as succeeded', async () => {
    const did = dataset.actors[3]?.did ?? '';
    const typo = `${did.slice(0, -1)}x`;
    const result = await runExample({ root, appView, s3, bucket: BUCKET, starterPack, args: ['--json', '--partition', typo], stdio: 'pipe' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no such partition '${typo}'`);
    expect(result.stderr).toContain(`did you mean '${did}'?`);
    const summary = JSON.parse(result.stdout) as { status: string; tasks: { taskId: string }[] };
    expect(summary.status).toBe('failed');
    expect(summary.tasks.filter((t) => t.taskId.startsWith('authorFeeds/'))).toEqual([]);
  });

  it('reruns one member feed: --pipeline authorFeeds --partition <did> runs the upstream, then only that feed', async () => {
    const did = dataset.actors[3]?.did ?? '';
    const feedCalls = () => appView.requestLog.filter((r) => r.nsid === 'app.bsky.feed.getAuthorFeed').length;
    const before = feedCalls();
    const result = await runExample({ root, appView, s3, bucket: BUCKET, starterPack, args: ['--json', '--pipeline', 'authorFeeds', '--partition', did], stdio: 'pipe' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; tasks: { taskId: string; records: number }[] };
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => [t.taskId, t.records])).toEqual([[`starterPackMembers/${starterPack}`, 5], [`authorFeeds/${did}`, 101]]);
    expect(feedCalls() - before).toBe(3);
  });

  it('a bucket that does not exist fails the run before any AppView call, with one line, and writes nothing', async () => {
    const before = { calls: appView.requests, keys: await listKeys(s3, BUCKET) };
    const result = await runExample({ root, appView, s3, bucket: 'no-such-bucket', starterPack, args: [], stdio: 'pipe' });
    expect(result.code).toBe(1);
    const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.includes('s3://no-such-bucket: no such bucket'));
    expect(lines.length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('NoSuchBucket');
    expect(appView.requests).toBe(before.calls);
    expect(await listKeys(s3, BUCKET)).toEqual(before.keys);
  });

  it('etl check: one line per source and sink, exit 0, nothing fetched or written; a missing bucket or a dead service is exit 1', async () => {
    const check = (bucket: string, env: NodeJS.ProcessEnv = {}) =>
      new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
        const bin = join(root, 'node_modules/@etl/cli/bin/etl.js');
        const child = spawn(process.execPath, [bin, 'check', '--config', join(root, 'etl.config.ts')], { cwd: root, env: { ...exampleEnv({ appView, s3, bucket, starterPack }), ...env } });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout }));
      });
    const keys = await listKeys(s3, BUCKET);
    const log = appView.requestLog.length;
    const ok = await check(BUCKET);
    expect(ok.stdout.trimEnd().split('\n')).toEqual([
      'ok         source atproto.starterPackMembers (starterPackMembers)',
      'ok         sink s3.ndjson (starterPackMembers, authorFeeds)',
      'ok         source atproto.authorFeed (authorFeeds)',
    ]);
    expect(ok.code).toBe(0);
    expect(appView.requestLog.slice(log).map((r) => r.nsid)).toEqual(['com.atproto.identity.resolveHandle', 'com.atproto.identity.resolveHandle']);

    const noBucket = await check('no-such-bucket');
    expect(noBucket.code).toBe(1);
    expect(noBucket.stdout).toContain('FAILED     sink s3.ndjson (starterPackMembers, authorFeeds): s3://no-such-bucket: no such bucket');

    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const dead = await check(BUCKET, { ATPROTO_SERVICE: `http://127.0.0.1:${closed}` });
    expect(dead.code).toBe(1);
    expect(dead.stdout).toContain(`FAILED     source atproto.starterPackMembers (starterPackMembers): http://127.0.0.1:${closed}: could not reach`);
    expect(dead.stdout).not.toContain('retrying');
    expect(await listKeys(s3, BUCKET)).toEqual(keys);
  });

  it('validates with no network call', async () => {
    const before = { atproto: appView.requests, s3: s3.requests };
    const result = await runExample({ root, appView, s3, bucket: BUCKET, starterPack: 'not a starter pack', args: ['--json'], stdio: 'pipe' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("etl.config.ts: pipelines.starterPackMembers.partitions[0]: invalid partition 'not a starter pack'");
    expect({ atproto: appView.requests, s3: s3.requests }).toEqual(before);
  });
});
