// Secrets never leak: an app password (via env() into a `secret: true` option) and an AWS secret key are
// set to recognisable values, runs succeed and fail, and everything they produce is scanned: console output,
// --json, run records, task states, the session file, every S3 object and manifest.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, startAppView, type AppView } from '../appview/index.js';
import { getObject, listKeys, startS3, type S3Server } from '../s3/index.js';
import { runEtl, scratchDir, writeProjectFile } from './harness.js';

const APP_PASSWORD = 'app-pass-Zq9x-7Lm2-SECRET';
const AWS_SECRET = 'aws-secret-Kq7vW3pX9rT2-SECRET';
const BUCKET = 'secrets';
const dataset = generateDataset({ seed: 5, postsPerActor: [12, 3, 0] });
const viewer = dataset.actors[0]?.handle ?? '';

const CONFIG = `import { defineConfig, env } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed } from '@etl/source-atproto';
export default defineConfig({
  pipelines: {
    feeds: {
      source: atprotoAuthorFeed({ limit: 5, pacing: false, auth: { identifier: env('ETL_TEST_IDENTIFIER'), password: env('ETL_TEST_APP_PASSWORD'), service: process.env.ATPROTO_SERVICE } }),
      partitions: process.env.ETL_ACTORS.split(','),
      sink: s3Sink({ bucket: '${BUCKET}', key: 'feeds/{partition}.jsonl', endpoint: process.env.S3_ENDPOINT, forcePathStyle: true }),
      policy: { retry: { attempts: 2, backoff: { constant: '10ms' } } },
    },
  },
});
`;

let appView: AppView;
let s3: S3Server;
let dir: string;
beforeAll(async () => {
  appView = await startAppView({ dataset, appPasswords: { [viewer]: APP_PASSWORD } });
  s3 = await startS3({ buckets: [BUCKET] });
  dir = await scratchDir('secrets');
  await writeProjectFile(dir, 'etl.config.ts', CONFIG);
});
afterAll(async () => {
  await appView?.close();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

const forms = (secret: string) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), secret.slice(0, 14)];

function expectNoSecret(where: string, text: string): void {
  for (const secret of [APP_PASSWORD, AWS_SECRET]) {
    for (const form of forms(secret)) expect(text.includes(form), `${where} contains a form of a secret (${form.slice(0, 6)}…)`).toBe(false);
  }
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function run(args: string[], awsSecret: string, password = APP_PASSWORD, s3Endpoint = s3.endpoint) {
  return runEtl(dir, args, {
    ATPROTO_SERVICE: appView.url,
    S3_ENDPOINT: s3Endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: awsSecret,
    ETL_TEST_IDENTIFIER: viewer,
    ETL_TEST_APP_PASSWORD: password,
    ETL_ACTORS: dataset.actors.map((a) => a.handle).join(','),
  });
}

describe('secrets never leak', () => {
  it('not in output, --json, state, session files or S3, whether runs succeed or fail', async () => {
    const ok = await run(['run', '--json'], 'S3RVER');
    expect(ok.code, ok.stderr).toBe(0);
    // s3rver checks the access key only, so the recognisable secret key signs successful requests here...
    const okPlain = await run(['run'], AWS_SECRET);
    expect(okPlain.code).toBe(0);
    // ...and failing ones when the endpoint is gone: the sink's check fails every task before any fetch, and says why.
    const badAws = await run(['run', '--json'], AWS_SECRET, APP_PASSWORD, 'http://127.0.0.1:9');
    expect(badAws.code, badAws.stdout.slice(0, 400)).toBe(1);
    expect(badAws.stdout).toContain('S3_CHECK_FAILED'); // the sink's check before the first page
    // A wrong app password: the login is refused; the message must not echo what was tried.
    const sessions = (await filesUnder(join(dir, '.etl'))).filter((f) => f.includes('atproto-sessions'));
    expect(sessions).toHaveLength(1); // the session was persisted...
    for (const file of sessions) expectNoSecret(file, await readFile(file, 'utf8')); // ...without the password
    const wrong = `${APP_PASSWORD}-wrong`;
    await rm(join(dir, '.etl', 'atproto-sessions'), { recursive: true, force: true }); // else the stored session is reused
    const badLogin = await run(['run'], 'S3RVER', wrong);
    expect(badLogin.code).toBe(1);
    // The plan shows every option of every plugin: the secret ones must show as ***.
    const list = await run(['list'], AWS_SECRET);
    expect(list.stdout).toContain('"password":"***"');
    const dry = await run(['run', '--dry-run', '--json'], AWS_SECRET);
    for (const outcome of [ok, okPlain, badAws, badLogin, list, dry]) {
      expectNoSecret('stdout', outcome.stdout);
      expectNoSecret('stderr', outcome.stderr);
      expect(outcome.stdout.includes(wrong) || outcome.stderr.includes(wrong)).toBe(false);
    }
    const history = await runEtl(dir, ['runs', '--json'], {});
    expectNoSecret('etl runs', history.stdout);

    const files = await filesUnder(join(dir, '.etl'));
    expect(files.filter((f) => f.includes(join('.etl', 'runs'))).length).toBe(4);
    for (const file of files) expectNoSecret(file, await readFile(file, 'utf8'));

    const keys = await listKeys(s3, BUCKET);
    expect(keys.some((k) => k.startsWith('_manifests/'))).toBe(true);
    for (const key of keys) expectNoSecret(`s3://${BUCKET}/${key}`, (await getObject(s3, BUCKET, key)).toString('utf8'));
  }, 120_000);
});
