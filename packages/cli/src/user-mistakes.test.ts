// A user's mistake (a flag or a config naming what is not there) gets one line naming what was wrong and
// what was expected, and exit 2; never "unexpected error" with a stack (exit 1 is for a failed task).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, configSource, etlBin, tempProject, type TempProject } from './test-support/temp-project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(async () => {
  await project.cleanup();
});

async function etl(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [etlBin, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('etl schema --plugin: a module that is not there or not a plugin', () => {
  it('a missing module (the real binary): one line, exit 2', async () => {
    const result = await etl(['schema', '--plugin', 'nonexistent-pkg'], project.dir);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'etl schema: --plugin nonexistent-pkg: no such module (install it, or give a path)\n' });
  });

  it('a missing file', async () => {
    const result = await cli(['schema', '--plugin', './plugins/missing.ts'], project.dir);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `etl schema: --plugin ./plugins/missing.ts: no such file (a path is relative to ${project.dir})\n` });
  });

  it('a module that exports no plugin', async () => {
    await project.write('not-a-plugin.mjs', 'export const answer = 42;\nexport function helper() {}\n');
    const result = await cli(['schema', '--plugin', './not-a-plugin.mjs'], project.dir);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'etl schema: --plugin ./not-a-plugin.mjs: exports no plugin factory (expected an export made by defineSource, defineSink or defineStateStore)\n',
    });
  });

  it('a module that throws when loaded', async () => {
    await project.write('broken.mjs', "throw new Error('plugin refuses to load');\n");
    const result = await cli(['schema', '--plugin', './broken.mjs'], project.dir);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'etl schema: --plugin ./broken.mjs: cannot be loaded: plugin refuses to load\n' });
  });

  it('a module that imports a package that is not installed names that package', async () => {
    await project.write('needs-dep.mjs', "import 'some-missing-dependency';\nexport const x = 1;\n");
    const result = await cli(['schema', '--plugin', './needs-dep.mjs'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^etl schema: --plugin \.\/needs-dep\.mjs: cannot be loaded: Cannot find (module|package) 'some-missing-dependency'[^\n]*\n$/);
  });
});

describe('config mistakes: exit 2 naming the file (already so; kept)', () => {
  const cases: [string, string[], string, string, RegExp][] = [
    ['--config pointing at a missing file', ['validate', '--config', 'nope.config.ts'], '', '', /^Invalid config:\n {2}- nope\.config\.ts: config file not found\n$/],
    ['a config with a syntax error', ['validate'], 'etl.config.ts', 'export default {\n', /^Invalid config:\n {2}- etl\.config\.ts: cannot be loaded: /],
    ['a config that throws when loaded', ['validate'], 'etl.config.ts', "throw new Error('boom while loading');\n", /^Invalid config:\n {2}- etl\.config\.ts: cannot be loaded: boom while loading\n$/],
    ['a JSON config whose use names a module not installed', ['validate'], 'etl.config.json',
      JSON.stringify({ pipelines: { feeds: { source: { use: 'not-installed-source' }, partitions: ['a'], sink: { use: 'not-installed-sink#s' } } } }),
      /^Invalid config \(2 problems\):\n {2}- etl\.config\.json: pipelines\.feeds\.source\.use: cannot load 'not-installed-source' from .*: Cannot find module 'not-installed-source'\n {2}- etl\.config\.json: pipelines\.feeds\.sink\.use: cannot load 'not-installed-sink' /],
    ['a YAML config whose use names a module not installed', ['list'], 'etl.config.yaml',
      'pipelines:\n  feeds:\n    source: { use: not-installed-source }\n    partitions: [a]\n    sink: { use: not-installed-sink }\n',
      /^Invalid config \(2 problems\):\n {2}- etl\.config\.yaml: pipelines\.feeds\.source\.use: cannot load 'not-installed-source'/],
  ];
  it.each(cases)('%s', async (_name, argv, file, content, expected) => {
    if (file) await project.write(file, content);
    const result = await cli(argv, project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toContain('unexpected error');
  });
});

describe('a pipeline name that would break task ids: refused by every command', () => {
  it.each([['validate'], ['list'], ['run'], ['state', 'show', 'a/b']])('etl %s', async (...argv) => {
    await project.write('etl.config.ts', configSource(`{
      'a/b': { source: countingSource({ records: 1 }), partitions: ['p'], sink: fileSink({ directory: out }) },
    }`, project.out));
    expect(await cli(argv, project.dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: `Invalid config:\n  - etl.config.ts: pipelines["a/b"]: pipeline name "a/b" is not allowed: pipeline names are letters, digits, '_', '-' and '.', starting with a letter, digit or '_', at most 64 characters (a name is part of task ids <pipeline>/<partition>, sink keys and state paths)\n`,
    });
  });
});
