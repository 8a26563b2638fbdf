// Guarantee: transient faults (AppView 429/5xx/resets/stalls/lexicon-invalid bodies, S3 SlowDown/500/resets)
// at ~20% of requests do not change the output: the real `etl` binary writes exactly the objects of a
// fault-free run. Faults beyond the retry budget for one actor fail only that task (exit 1, cause in --json).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, startAppView, type AppView, type AppViewFault, type AppViewRequest } from '../appview/index.js';
import { getObject, listKeys, s3Faults, startS3, type S3Fault, type S3Request, type S3Server } from '../s3/index.js';
import { runEtl, scratchDir, seededUnit, workspaceRoot, writeProjectFile } from './harness.js';

const BUCKET = 'faults';
const dataset = generateDataset({ seed: 23, postsPerActor: [197, 121, 64, 23, 0] });
const actors = dataset.actors.map((a) => a.handle);
const RATE = 0.2;
const APPVIEW_SEED = Number(process.env.FAULT_SEED ?? 3);

const CONFIG = `import { defineConfig } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed } from '@etl/source-atproto';
const env = process.env;
export default defineConfig({
  concurrency: { limit: 3 },
  pipelines: {
    feeds: {
      source: atprotoAuthorFeed({ service: env.ATPROTO_SERVICE, limit: 10, pacing: false, timeoutMs: 300 }),
      partitions: env.ETL_ACTORS.split(','),
      sink: s3Sink({
        bucket: '${BUCKET}', key: env.ETL_PREFIX + '/{partition}.jsonl', endpoint: env.S3_ENDPOINT, forcePathStyle: true,
        rollover: { maxRecords: 10 }, manifest: env.ETL_PREFIX + '/_manifests/{runId}.json',
      }),
      policy: { retry: { attempts: 8, backoff: { constant: '20ms' } } },
    },
  },
});
`;

type Mode = 'none' | 'transient' | 'one-actor-down' | 'one-invalid-body';
let mode: Mode = 'none';
let victim = '';
const appViewSeen = new Map<string, number>();
const injected = { appView: new Map<string, number>(), s3: new Map<string, number>() };
const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

const appViewKinds: ((now: number) => AppViewFault)[] = [
  (now) => ({ status: 429, error: 'RateLimitExceeded', headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.floor(now / 1000)), 'ratelimit-policy': '3000;w=300' } }),
  () => ({ status: 500, error: 'InternalServerError' }),
  () => ({ status: 502, message: '<html>Bad Gateway</html>' }),
  () => ({ status: 503 }),
  () => ({ reset: true }),
  () => ({ delayMs: 1500 }), // stalls past timeoutMs (300), then would answer normally
];
const appViewLabels = ['429', '500', '502', '503', 'reset', 'stall'];

function appViewFault(req: AppViewRequest): AppViewFault | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'one-actor-down') {
    return req.nsid === 'app.bsky.feed.getAuthorFeed' && req.params.actor === victim ? { status: 503, error: 'UpstreamFailure', message: 'upstream down' } : undefined;
  }
  if (mode === 'one-invalid-body') {
    // A lexicon-invalid body is documented as not retryable (ATPROTO_INVALID_RESPONSE): one is enough.
    return req.nsid === 'app.bsky.feed.getAuthorFeed' && req.params.actor === victim && req.params.cursor !== undefined ? { body: { feed: 'not-an-array', cursor: 7 } } : undefined;
  }
  // Deterministic per request identity (not arrival order): the same call gets the same fate in every run.
  const identity = `${req.nsid}?${JSON.stringify(req.params)}`;
  const seen = (appViewSeen.get(identity) ?? 0) + 1;
  appViewSeen.set(identity, seen);
  const u = seededUnit(APPVIEW_SEED, `${identity}#${seen}`);
  if (u >= RATE) return undefined;
  const kind = Math.floor((u / RATE) * appViewKinds.length);
  count(injected.appView, appViewLabels[kind]!);
  return appViewKinds[kind]!(Date.now());
}

function s3Fault(req: S3Request): S3Fault | undefined {
  if (mode !== 'transient') return undefined;
  const u = seededUnit(2, `${req.operation} ${req.key ?? ''} ${req.partNumber ?? ''}#${req.seen}`);
  if (u >= RATE) return undefined;
  const fault = [s3Faults.slowDown, s3Faults.internalError, s3Faults.reset][Math.floor((u / RATE) * 3)]!();
  count(injected.s3, 'reset' in fault ? 'reset' : fault.code);
  return fault;
}

let appView: AppView;
let s3: S3Server;
let dir: string;
beforeAll(async () => {
  appView = await startAppView({ dataset, faults: appViewFault });
  s3 = await startS3({ buckets: [BUCKET], faults: s3Fault });
  dir = await scratchDir('fault-injection');
  await writeProjectFile(dir, 'etl.config.ts', CONFIG);
});
afterAll(async () => {
  await appView?.close();
  await s3?.close();
  await rm(join(workspaceRoot, '.tmp', `reliability-${process.pid}`, 'fault-injection'), { recursive: true, force: true });
});

const env = (prefix: string) => ({
  ATPROTO_SERVICE: appView.url,
  S3_ENDPOINT: s3.endpoint,
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  AWS_REGION: s3.region,
  ETL_ACTORS: actors.join(','),
  ETL_PREFIX: prefix,
});

const ofActor = (key: string, handle: string) => key === `${handle}.jsonl` || key.startsWith(`${handle}-`);

/** Data objects under the prefix (manifests excluded), keyed relative to it, with their bytes. */
async function snapshot(prefix: string): Promise<Map<string, string>> {
  const keys = (await listKeys(s3, BUCKET)).filter((k) => k.startsWith(`${prefix}/`) && !k.includes('/_manifests/')).sort();
  const out = new Map<string, string>();
  for (const k of keys) out.set(k.slice(prefix.length + 1), (await getObject(s3, BUCKET, k)).toString('base64'));
  return out;
}

describe('fault injection through the real etl binary', () => {
  it('~20% transient faults on the AppView and S3 leave the output byte-identical to a fault-free run', async () => {
    mode = 'none';
    const clean = await runEtl(dir, ['run', '--json'], env('clean'));
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await snapshot('clean');
    expect(expected.size).toBeGreaterThanOrEqual(20); // many objects, so many S3 requests
    const cleanFeedCalls = appView.requestLog.filter((r) => r.nsid === 'app.bsky.feed.getAuthorFeed').length;
    expect(cleanFeedCalls).toBeGreaterThanOrEqual(20); // many pages

    mode = 'transient';
    const s3Before = s3.requests;
    const faulty = await runEtl(dir, ['run', '--json'], env('faulty'));
    expect(faulty.code, `${faulty.stderr}\n${faulty.stdout}`).toBe(0);
    const s3After = s3.requests;
    mode = 'none'; // the test's own reads must not see faults
    const got = await snapshot('faulty');
    expect([...got.keys()]).toEqual([...expected.keys()]);
    for (const [k, v] of expected) expect(got.get(k), k).toBe(v);

    // The faults did happen, of every kind, at roughly the configured rate.
    const appViewFaults = [...injected.appView.values()].reduce((a, b) => a + b, 0);
    const s3FaultCount = s3.requestLog.slice(s3Before, s3After).filter((r) => r.fault).length;
    expect(appViewFaults).toBeGreaterThanOrEqual(8);
    expect([...injected.appView.keys()].sort()).toEqual([...appViewLabels].sort()); // every kind, incl. 429 and stalls
    expect(s3FaultCount).toBeGreaterThanOrEqual(3);
    expect([...injected.s3.keys()].sort()).toEqual(['InternalError', 'SlowDown', 'reset']);
    const summary = JSON.parse(faulty.stdout) as { tasks: { retries?: number }[] };
    expect(summary.tasks.reduce((a, t) => a + (t.retries ?? 0), 0)).toBeGreaterThan(0);
    console.info('injected AppView faults', Object.fromEntries(injected.appView), 'S3 faults', Object.fromEntries(injected.s3));
  }, 120_000);

  it('faults beyond the retry budget for one actor fail only that task (exit 1, cause in --json)', async () => {
    mode = 'one-actor-down';
    const victimActor = dataset.actors[1]!;
    victim = victimActor.did;
    const before = appView.requests;
    const outcome = await runEtl(dir, ['run', '--json'], env('down'));
    expect(outcome.code, outcome.stderr).toBe(1);
    const summary = JSON.parse(outcome.stdout) as { status: string; tasks: { partition: string; status: string; error?: unknown; retries?: number }[] };
    expect(summary.status).toBe('failed');
    const byPartition = new Map(summary.tasks.map((t) => [t.partition, t]));
    expect(byPartition.get(victimActor.handle)?.status).toBe('failed');
    expect(byPartition.get(victimActor.handle)?.retries).toBe(7);
    expect(JSON.stringify(byPartition.get(victimActor.handle)?.error)).toMatch(/UpstreamFailure|upstream down/);
    for (const a of actors.filter((x) => x !== victimActor.handle)) expect(byPartition.get(a)?.status, a).toBe('succeeded');
    // Exactly the retry budget (8 attempts) was spent on the victim's first page.
    expect(appView.requestLog.filter((r) => r.n > before && r.nsid === 'app.bsky.feed.getAuthorFeed' && r.params.actor === victim)).toHaveLength(8);
    // The others are committed, byte-identical to the clean run; nothing for the victim.
    const clean = await snapshot('clean');
    const down = await snapshot('down');
    expect([...down.keys()]).toEqual([...clean.keys()].filter((k) => !ofActor(k, victimActor.handle)));
    for (const [k, v] of down) expect(v, k).toBe(clean.get(k));
  }, 120_000);

  it('a lexicon-invalid body fails that task at once (not retried), the others commit', async () => {
    mode = 'one-invalid-body';
    const victimActor = dataset.actors[0]!;
    victim = victimActor.did;
    const outcome = await runEtl(dir, ['run', '--json'], env('invalid'));
    expect(outcome.code, outcome.stderr).toBe(1);
    const summary = JSON.parse(outcome.stdout) as { tasks: { partition: string; status: string; error?: { code?: string }; retries?: number }[] };
    const failed = summary.tasks.filter((t) => t.status !== 'succeeded');
    expect(failed).toEqual([expect.objectContaining({ partition: victimActor.handle, status: 'failed', retries: 0, error: expect.objectContaining({ code: 'ATPROTO_INVALID_RESPONSE' }) })]);
    const clean = await snapshot('clean');
    expect([...(await snapshot('invalid')).keys()]).toEqual([...clean.keys()].filter((k) => !ofActor(k, victimActor.handle)));
  }, 120_000);
});
