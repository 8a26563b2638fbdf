// Both example plugins as an outside user gets them: a project outside the workspace that installs them
// (plus @etl/core and @etl/cli) with pnpm, names them in a JSON config and runs the real `etl` binary.
// Needs the examples built (`npx tsc -b`): an installed package resolves to its dist.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJsonServer, type JsonServer } from './test-support/json-server.js';

const run = promisify(execFile);
const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRET = 'Bearer installed-s3cret-token';

let server: JsonServer;
let project: string;
beforeAll(async () => {
  server = await startJsonServer();
  project = await mkdtemp(join(tmpdir(), 'etl-installed-'));
});
afterAll(async () => {
  await server.close();
  await rm(project, { recursive: true, force: true });
});

describe('the example plugins, installed', () => {
  it('run by name from a JSON config through the etl binary', async () => {
    const link = (path: string) => `link:${join(workspaceRoot, path)}`;
    await writeFile(join(project, 'package.json'), JSON.stringify({
      name: 'outside-user',
      private: true,
      type: 'module',
      dependencies: {
        '@etl/core': link('packages/core'),
        '@etl/cli': link('packages/cli'),
        '@etl-examples/source-http-json': link('examples/source-http-json'),
        '@etl-examples/sink-ndjson-file': link('examples/sink-ndjson-file'),
      },
    }, null, 2));
    await writeFile(join(project, 'etl.config.json'), JSON.stringify({
      pipelines: {
        items: {
          source: {
            use: '@etl-examples/source-http-json',
            options: { url: `${server.url}/link/{partition}`, recordsPointer: '/items', pagination: { type: 'link' }, secretHeaders: { authorization: SECRET } },
          },
          partitions: ['p5', 'p7'],
          sink: { use: '@etl-examples/sink-ndjson-file', options: { directory: 'out' } },
        },
      },
    }, null, 2));
    await run('npx', ['--yes', 'pnpm@10.34.9', 'install', '--ignore-workspace'], { cwd: project, env: { ...process.env, CI: 'true' } });

    const { stdout } = await run(join(project, 'node_modules/.bin/etl'), ['run', '--json'], { cwd: project });
    const summary = JSON.parse(stdout) as { status: string; tasks: { partition: string; records: number; pages: number; outputs: { location: string }[] }[] };
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => [t.partition, t.records, t.pages])).toEqual([['p5', 5, 2], ['p7', 7, 3]]);
    expect(summary.tasks[0]?.outputs[0]?.location).toBe(join(project, 'out/items/p5.ndjson'));
    expect(stdout).not.toContain('installed-s3cret');

    expect((await readdir(join(project, 'out/items'))).sort()).toEqual(['p5.ndjson', 'p7.ndjson']);
    const lines = (await readFile(join(project, 'out/items/p7.ndjson'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(Array.from({ length: 7 }, (_, n) => ({ id: `p7-${n}`, n })));
    expect(server.requests.filter((r) => r.url.startsWith('/link/p7')).map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/link/p7', SECRET], ['/link/p7?page=1', SECRET], ['/link/p7?page=2', SECRET],
    ]);
  }, 180_000);
});
