// `etl init` as a user runs it: a new project, and etl added to an existing one. The projects sit inside the
// workspace so that @etl/*, typescript and @types/node resolve as they would once installed; the registry
// test (scripts/registry-test) does the same outside the repository with packages installed by npm.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, etlBin, workspaceRoot } from './test-support/temp-project.js';

const run = promisify(execFile);
const tsc = join(workspaceRoot, 'node_modules/typescript/bin/tsc');
const cliVersion = (JSON.parse(await readFile(join(workspaceRoot, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
let dir: string;
let n = 0;
beforeEach(async () => {
  dir = join(workspaceRoot, '.tmp', `init-${process.pid}-${++n}`);
  await mkdir(dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

describe('etl init', () => {
  it('scaffolds a project whose untouched config type-checks (with declarations too), validates and plans', async () => {
    const project = join(dir, 'my-feeds');
    const init = await cli(['init', 'my-feeds', '--bucket', 'my-raw-data', '-y'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`Created ${project}: package.json, etl.config.ts, tsconfig.json, .gitignore`);
    expect(init.stdout).toContain('Next: cd my-feeds && npm install && npx tsc --noEmit && npx etl validate && npx etl run --dry-run');
    const range = `^${cliVersion}`;
    expect(await readJson(join(project, 'package.json'))).toMatchObject({
      name: 'my-feeds',
      type: 'module',
      scripts: { typecheck: 'tsc --noEmit', validate: 'etl validate', plan: 'etl run --dry-run', start: 'etl run' },
      dependencies: { '@etl/cli': range, '@etl/core': range, '@etl/sink-s3': range, '@etl/source-atproto': range },
      devDependencies: { typescript: expect.any(String), '@types/node': expect.any(String) },
    });
    expect((await readFile(join(project, '.gitignore'), 'utf8')).split('\n')).toEqual(expect.arrayContaining(['node_modules/', '.etl/', 'demo-data/']));

    // The untouched config, under the scaffolded tsconfig.json, and with declaration emit checks (TS2742).
    await run(process.execPath, [tsc, '-p', project]);
    await run(process.execPath, [tsc, '-p', project, '--declaration']);

    const validate = await run(process.execPath, [etlBin, 'validate'], { cwd: project });
    expect(validate.stdout).toBe('etl.config.ts is valid: 2 pipeline(s), 1 task(s)\n');
    const dry = await run(process.execPath, [etlBin, 'run', '--dry-run'], { cwd: project, env: { ...process.env, ETL_BUCKET: 'from-env', S3_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(dry.stdout).toContain('s3.ndjson {"bucket":"from-env"');
    expect(dry.stdout).toContain('"endpoint":"http://127.0.0.1:9","forcePathStyle":true');
    expect(dry.stdout).toContain('then authorFeeds: one task per partition key from starterPackMembers');
    const defaults = await run(process.execPath, [etlBin, 'run', '--dry-run'], { cwd: project, env: { ...process.env, ETL_BUCKET: '', S3_ENDPOINT: '' } });
    expect(defaults.stdout).toContain('s3.ndjson {"bucket":"my-raw-data"');
  }, 120_000);

  it('adds etl to an existing (CommonJS) project: an .mts config, its scripts and files kept, says what to install', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'existing-app', scripts: { start: 'node server.js' }, dependencies: { '@etl/cli': '^0.1.0' } }));
    await writeFile(join(dir, 'server.js'), '');
    await writeFile(join(dir, '.gitignore'), 'dist/');
    const init = await cli(['init', '-y'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`Added etl to ${dir}: package.json (scripts), etl.config.mts, tsconfig.json, .gitignore`);
    expect(await readJson(join(dir, 'tsconfig.json'))).toMatchObject({ include: ['etl.config.mts'] });
    expect(init.stdout).toContain('Note: kept your own script(s) start; etl\'s would be: "start": "etl run"');
    expect(init.stdout).toMatch(new RegExp(`Note: install what the config needs: npm install -D @etl/core@\\^${cliVersion} @etl/sink-s3@\\^${cliVersion} @etl/source-atproto@\\^${cliVersion} @types/node@\\S+ typescript@\\S+\\n`));
    const manifest = await readJson(join(dir, 'package.json'));
    expect(manifest).toMatchObject({ name: 'existing-app', scripts: { start: 'node server.js', validate: 'etl validate', typecheck: 'tsc --noEmit' }, dependencies: { '@etl/cli': '^0.1.0' } });
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('dist/\nnode_modules/\n# run records, checkpoints, bookmarks and sessions of local runs\n.etl/\ndemo-data/\n');
    const validate = await run(process.execPath, [etlBin, 'validate'], { cwd: dir });
    expect(validate.stdout).toBe('etl.config.mts is valid: 2 pipeline(s), 1 task(s)\n');
    await run(process.execPath, [tsc, '-p', dir, '--declaration']);

    const again = await cli(['init', '-y'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${join(dir, 'etl.config.mts')} exists already; etl init leaves an existing config alone`);
  });

  it('refuses a directory that is not empty and is no project', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const result = await cli(['init', dir, '-y'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not empty and has no package.json');
  });

  it('has its own help', async () => {
    const help = await cli(['init', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: etl init \[dir\]/);
    expect(help.stdout).toContain('An existing etl config is never overwritten.');
  });
});
