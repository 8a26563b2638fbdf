// Start-up cost is mostly import cost (issue #9; packages/bench/src/startup.ts measures it): the built CLI,
// spawned on the example etl.config.ts (which imports both built-in plugins), must not load the SDKs the
// plugins only need to run, nor what only `etl run` needs. A top-level import of any of them anywhere on
// the path of these commands fails this test.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etlBin, workspaceRoot } from './test-support/temp-project.js';

const recorder = fileURLToPath(new URL('./test-support/record-loaded-modules.mjs', import.meta.url));

/** Packages that cost hundreds of milliseconds to import and that validate/list/--help never use. */
const RUN_ONLY = {
  '@atproto/api': '/node_modules/@atproto/api/',
  '@aws-sdk/client-s3': '/node_modules/@aws-sdk/client-s3/',
  listr2: '/node_modules/listr2/',
} as const;
type RunOnly = keyof typeof RUN_ONLY;

/** What only loading a config needs: `etl --help` must not pay for it either. */
const CONFIG_LOADING = { cosmiconfig: '/node_modules/cosmiconfig/', jiti: '/node_modules/jiti/' } as const;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etl-loaded-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let runs = 0;
/** Spawns node with the recorder preloaded; returns the exit code and the URLs of every module loaded. */
async function loadedModules(nodeArgs: readonly string[]): Promise<{ code: number | null; stderr: string; modules: string[] }> {
  const file = join(dir, `loaded-${++runs}.txt`);
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', recorder, ...nodeArgs], {
      cwd: workspaceRoot,
      env: { ...process.env, ETL_LOADED_MODULES_FILE: file },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, stderr: err }));
  });
  const modules = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { code, stderr, modules };
}

const loadedOf = (modules: readonly string[], patterns: Record<string, string>): string[] =>
  Object.entries(patterns)
    .filter(([, path]) => modules.some((m) => m.includes(path)))
    .map(([name]) => name);

const distOf = (pkg: string) => pathToFileURL(join(workspaceRoot, 'packages', pkg, 'dist/index.js')).href;

describe('start-up imports of the built CLI on the example config', () => {
  it.each([['validate'], ['list']])('etl %s imports both plugins but none of their SDKs, nor listr2', async (command) => {
    const { code, stderr, modules } = await loadedModules([etlBin, command]);
    expect(code, stderr).toBe(0);
    // The config did import the plugin packages (and the recorder saw it): the check below is not vacuous.
    expect(modules).toContain(distOf('source-atproto'));
    expect(modules).toContain(distOf('sink-s3'));
    expect(loadedOf(modules, RUN_ONLY)).toEqual([]);
  });

  it('etl validate run again compiles no schema: the ajv compiler stays unloaded (compiled-schema cache)', async () => {
    await loadedModules([etlBin, 'validate']); // fills the cache, if it was empty
    const { code, stderr, modules } = await loadedModules([etlBin, 'validate']);
    expect(code, stderr).toBe(0);
    expect(loadedOf(modules, { 'ajv compiler': '/node_modules/ajv/dist/compile/' })).toEqual([]);
    // The cached validators did run: they require ajv's runtime helpers.
    expect(modules.some((m) => m.includes('/node_modules/ajv/dist/runtime/'))).toBe(true);
  });

  it('etl --help loads neither the SDKs and listr2 nor the config loaders', async () => {
    const { code, modules } = await loadedModules([etlBin, '--help']);
    expect(code).toBe(0);
    expect(loadedOf(modules, { ...RUN_ONLY, ...CONFIG_LOADING })).toEqual([]);
  });

  it('the recorder does see each of them once something needs it (the control for the tests above)', async () => {
    // A plugin instance loads its SDK on creation; the run renderer brings listr2.
    const script = `
      const { atprotoAuthorFeed } = await import(${JSON.stringify(distOf('source-atproto'))});
      const { s3Sink } = await import(${JSON.stringify(distOf('sink-s3'))});
      await import(${JSON.stringify(pathToFileURL(join(workspaceRoot, 'packages/cli/dist/render/listr-renderer.js')).href)});
      const source = await atprotoAuthorFeed.definition.create({});
      const sink = await s3Sink.definition.create({ bucket: 'b', key: '{partition}.jsonl', region: 'us-east-1' });
      await Promise.all([source.close?.(), sink.close?.()]);
    `;
    const { code, stderr, modules } = await loadedModules(['--input-type=module', '-e', script]);
    expect(code, stderr).toBe(0);
    expect(loadedOf(modules, RUN_ONLY).sort()).toEqual((Object.keys(RUN_ONLY) as RunOnly[]).sort());
  });
});
