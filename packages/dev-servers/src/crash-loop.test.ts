// Exactly-once output across crashes: the real `etl` process, paging author feeds from the loopback AppView
// into s3rver with chunk checkpoints, is SIGKILLed at many different points and resumed until it finishes.
// The bucket must then hold exactly the posts served: no duplicates, no gaps, no orphaned objects.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, startAppView, type AppView } from './appview/index.js';
import { getObject, listKeys, startS3, type S3Server } from './s3/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const etlBin = join(root, 'packages/cli/bin/etl.js');
const BUCKET = 'crash';
const dataset = generateDataset({ seed: 11, postsPerActor: [173, 61, 0, 9] });
const actors = dataset.actors.map((a) => a.handle);

// Inside the workspace, so that the config resolves @etl/* like an installed project would.
const scratch = join(root, '.tmp', `crash-loop-${process.pid}`);

const CONFIG = `import { defineConfig } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed } from '@etl/source-atproto';
const env = process.env;
export default defineConfig({
  concurrency: { limit: 2 },
  pipelines: {
    feeds: {
      source: atprotoAuthorFeed({ service: env.ATPROTO_SERVICE, limit: 10, pacing: false }),
      partitions: env.ETL_ACTORS.split(','),
      sink: s3Sink({
        bucket: '${BUCKET}', key: env.ETL_PREFIX + '/{partition}.jsonl', endpoint: env.S3_ENDPOINT, forcePathStyle: true,
        rollover: { maxRecords: 25 }, manifest: env.ETL_PREFIX + '/_manifests/{runId}.json',
      }),
      checkpoint: { everyPages: 2 },
      policy: { retry: { attempts: 3, backoff: { constant: '50ms' } } },
    },
  },
});
`;

let appView: AppView;
let s3: S3Server;
beforeAll(async () => {
  appView = await startAppView({ dataset });
  s3 = await startS3({ buckets: [BUCKET] });
});
afterAll(async () => {
  await appView?.close();
  await s3?.close();
  await rm(scratch, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** Runs `etl` and, if `killAfter` is set, SIGKILLs it once that many progress lines have appeared. */
function etl(dir: string, prefix: string, args: string[], killAfter?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [etlBin, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ATPROTO_SERVICE: appView.url,
        S3_ENDPOINT: s3.endpoint,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        AWS_REGION: s3.region,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ETL_ACTORS: actors.join(','),
        ETL_PREFIX: prefix,
      },
    });
    let stdout = '';
    let progress = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      progress = stdout.split('\n').filter((l) => /\] (page \d+|checkpoint|succeeded)/.test(l)).length;
      if (killAfter !== undefined && progress >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
}

/** The newest run record of the project, if any run got far enough to write one. */
async function latestRun(dir: string): Promise<{ status: string } | undefined> {
  const files = await readdir(join(dir, '.etl', 'runs')).catch(() => [] as string[]);
  const runs = await Promise.all(files.filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(dir, '.etl', 'runs', f), 'utf8')) as { status: string; startedAt: string }));
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

/** Crashes the run at each of `kills` (progress lines), resuming each time, then lets it finish. */
async function crashLoop(name: string, kills: readonly number[]): Promise<{ prefix: string; killed: number }> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'etl.config.ts'), CONFIG);
  let killed = 0;
  // Resume what was recorded; a run killed before it recorded anything is simply started again.
  const next = async () => ((await latestRun(dir)) ? ['run', '--resume'] : ['run']);
  for (const point of kills) {
    const outcome = await etl(dir, name, await next(), point);
    if (outcome.signal === 'SIGKILL') killed++;
    if ((await latestRun(dir))?.status === 'succeeded') break;
  }
  for (let attempt = 0; attempt < 3 && (await latestRun(dir))?.status !== 'succeeded'; attempt++) {
    const outcome = await etl(dir, name, await next());
    expect(outcome.code, outcome.stdout).toBe(0);
  }
  expect((await latestRun(dir))?.status).toBe('succeeded');
  return { prefix: name, killed };
}

async function expectExactlyTheFeeds(prefix: string): Promise<void> {
  const keys = (await listKeys(s3, BUCKET)).filter((k) => k.startsWith(`${prefix}/`));
  const manifests = keys.filter((k) => k.includes('/_manifests/'));
  const data = keys.filter((k) => !k.includes('/_manifests/')).sort();
  // The last run's manifest lists every object: nothing in the bucket is outside it (no orphans).
  const finals = await Promise.all(manifests.map(async (k) => JSON.parse((await getObject(s3, BUCKET, k)).toString('utf8')) as { status: string; objects: { key: string; records: number }[] }));
  const succeeded = finals.filter((m) => m.status === 'succeeded');
  expect(succeeded).toHaveLength(1);
  expect(succeeded[0]?.objects.map((o) => o.key).sort()).toEqual(data);

  for (const actor of dataset.actors) {
    const parts = data.filter((k) => k.startsWith(`${prefix}/${actor.handle}-`));
    const lines: string[] = [];
    for (const key of parts) {
      const body = (await getObject(s3, BUCKET, key)).toString('utf8');
      if (body) lines.push(...body.trimEnd().split('\n'));
    }
    const uris = lines.map((l) => (JSON.parse(l) as { post: { uri: string } }).post.uri);
    expect(uris, actor.handle).toEqual(actor.posts.map((p) => p.uri));
  }
}

describe('crash loop (SIGKILL, then etl run --resume)', () => {
  // 24 kill points in all, spread across first pages, checkpoints, part commits and the end of tasks.
  const scenarios: [string, number[]][] = [
    ['early', [1, 2, 3, 5, 8, 13]],
    ['middle', [4, 7, 10, 12, 15, 18]],
    ['late', [9, 14, 20, 24, 27, 30]],
    ['dense', [2, 6, 11, 16, 21, 26]],
  ];

  it.each(scenarios)('%s kills leave exactly the posts served', async (name, kills) => {
    const { prefix, killed } = await crashLoop(name, kills);
    expect(killed).toBeGreaterThanOrEqual(3); // the kills did land mid-run
    await expectExactlyTheFeeds(prefix);
  }, 180_000);
});
