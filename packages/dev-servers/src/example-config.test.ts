// The root etl.config.ts, unchanged, run by the real `etl` binary against the loopback servers.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, startAppView, type AppView } from './appview/index.js';
import { runExample } from './example-run.js';
import { getObject, listKeys, startS3, type S3Server } from './s3/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUCKET = 'raw';
// Paging edges: empty feed, one post, exactly one page, one over, several pages.
const dataset = generateDataset({ seed: 7, postsPerActor: [0, 1, 100, 101, 250] });

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
  it('lands one NDJSON object per actor holding exactly the posts served, newest first', async () => {
    const actors = dataset.actors.map((a) => a.handle);
    const result = await runExample({ root, appView, s3, bucket: BUCKET, actors, args: ['--json'], stdio: 'pipe' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      status: string;
      runId: string;
      tasks: { partition: string; records: number; pages: number }[];
      outputs: { location: string }[];
    };
    expect(summary.status).toBe('succeeded');
    // limit 100: the AppView returns a cursor on the last partial page, then an empty page.
    expect(summary.tasks.map((t) => [t.records, t.pages])).toEqual([[0, 1], [1, 2], [100, 2], [101, 3], [250, 4]]);

    const date = new Date().toISOString().slice(0, 10);
    const keys = await listKeys(s3, BUCKET);
    const dataKeys = actors.map((h) => `atproto/author_feed/dt=${date}/${h}.jsonl`);
    // The sink's run manifest lists exactly the objects of the run and is the run's output.
    const manifestKey = `_manifests/${summary.runId}.json`;
    expect(keys.sort()).toEqual([manifestKey, ...dataKeys].sort());
    expect(summary.outputs.map((o) => o.location)).toEqual([`s3://${BUCKET}/${manifestKey}`]);
    const manifest = JSON.parse((await getObject(s3, BUCKET, manifestKey)).toString('utf8')) as { status: string; objects: { key: string }[] };
    expect(manifest.status).toBe('succeeded');
    expect(manifest.objects.map((o) => o.key).sort()).toEqual([...dataKeys].sort());
    for (const actor of dataset.actors) {
      const body = (await getObject(s3, BUCKET, `atproto/author_feed/dt=${date}/${actor.handle}.jsonl`)).toString('utf8');
      const lines = body === '' ? [] : body.trimEnd().split('\n').map((l) => JSON.parse(l) as { post: { uri: string; cid: string; author: { did: string } } });
      expect(lines.map((l) => l.post.uri)).toEqual(actor.posts.map((p) => p.uri));
      expect(lines.map((l) => l.post.cid)).toEqual(actor.posts.map((p) => p.cid));
      expect(new Set(lines.map((l) => l.post.author.did))).toEqual(new Set(actor.posts.length ? [actor.did] : []));
    }
    // One call per page, nothing more: the source never re-fetched.
    expect(appView.requestLog.filter((r) => r.nsid === 'app.bsky.feed.getAuthorFeed')).toHaveLength(12);
  });

  it('validates with no network call', async () => {
    const before = { atproto: appView.requests, s3: s3.requests };
    const result = await runExample({ root, appView, s3, bucket: BUCKET, actors: ['not a handle!'], args: ['--json'], stdio: 'pipe' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("etl.config.ts: pipelines.authorFeeds.partitions[0]: invalid partition 'not a handle!'");
    expect({ atproto: appView.requests, s3: s3.requests }).toEqual(before);
  });
});
