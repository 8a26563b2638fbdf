// `etl init` as a new user runs it: scaffold, install, validate, dry-run, in a directory outside the workspace.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, workspaceRoot } from './test-support/temp-project.js';

const run = promisify(execFile);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etl-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('etl init', () => {
  it('scaffolds a project that installs, validates and plans', async () => {
    const project = join(dir, 'my-feeds');
    const init = await cli(['init', project, '--bucket', 'my-raw-data', '--from', join(workspaceRoot, 'packages'), '-y'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(JSON.parse(await readFile(join(project, 'package.json'), 'utf8'))).toMatchObject({ name: 'my-feeds', dependencies: { '@etl/core': `link:${join(workspaceRoot, 'packages/core')}` } });
    expect(await readFile(join(project, '.gitignore'), 'utf8')).toContain('.etl/');

    await run('npx', ['--yes', 'pnpm@10.34.9', 'install', '--ignore-workspace'], { cwd: project, env: { ...process.env, CI: 'true' } });
    const bin = join(project, 'node_modules/.bin/etl');
    const validate = await run(bin, ['validate'], { cwd: project });
    expect(validate.stdout).toBe('etl.config.ts is valid: 2 pipeline(s), 1 task(s)\n');
    const dry = await run(bin, ['run', '--dry-run'], { cwd: project });
    expect(dry.stdout).toContain('s3.ndjson {"bucket":"my-raw-data"');
    expect(dry.stdout).toContain('then authorFeeds: one task per partition key from starterPackMembers');
    expect(dry.stdout).toContain('Dry run: nothing was fetched or written.');
  }, 120_000);

  it('refuses a directory that is not empty', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const result = await cli(['init', dir, '-y'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not empty');
  });
});
