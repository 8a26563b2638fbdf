import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, configSource, fixturePlugins, tempProject, type TempProject } from './test-support/temp-project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(async () => {
  await project.cleanup();
});

const good = () => `{
    feeds: {
      source: countingSource({ records: 25, pageSize: 10 }),
      partitions: ['alice', 'bob'],
      sink: fileSink({ directory: out }),
    },
  }`;

describe('malformed configs: exit 2, the file and the path named', () => {
  // [name, file name, content (OUT = output dir), expected path, expected message fragment]
  const pipeline = (override: string) => `{ feeds: { source: countingSource({ records: 5 }), partitions: ['alice'], sink: fileSink({ directory: out }), ${override} } }`;
  const cases: [string, string, (out: string) => string, string, string][] = [
    ['TS syntax error', 'etl.config.ts', () => `export default {{ pipelines: `, '', 'cannot be loaded'],
    ['no default export', 'etl.config.ts', () => `export const config = {};`, '', 'has no default export'],
    ['default export not an object', 'etl.config.ts', () => `export default 42;`, '', 'expected object, found number 42'],
    ['function export that throws', 'etl.config.ts', () => `export default () => { throw new Error('no env FOO'); };`, '', 'no env FOO'],
    ['missing pipelines', 'etl.config.ts', (out) => configSource('undefined as never', out).replace('pipelines: undefined as never,', ''), 'pipelines', 'is required but missing'],
    ['empty pipelines', 'etl.config.ts', (out) => configSource('{}', out), 'pipelines', 'expected at least 1 key'],
    ['misspelt top-level key', 'etl.config.ts', (out) => configSource(pipeline(''), out, 'concurency: { limit: 1 },'), 'concurency', "did you mean 'concurrency'?"],
    ['misspelt pipeline key', 'etl.config.ts', (out) => configSource(pipeline("grup: 'x',"), out), 'pipelines.feeds.grup', "did you mean 'group'?"],
    ['empty partitions', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 5 }), partitions: [], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.partitions', 'expected at least 1 item'],
    ['duplicate partition', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 5 }), partitions: ['a', 'b', 'a'], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.partitions[2]', "duplicate partition 'a'"],
    ['partition refused by the source', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 5 }), partitions: ['bad-one'], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.partitions[0]', 'must not start with "bad"'],
    ['global limit below 1', 'etl.config.ts', (out) => configSource(pipeline(''), out, 'concurrency: { limit: 0 },'), 'concurrency.limit', 'expected a number >= 1, found number 0'],
    ['group limit below 1', 'etl.config.ts', (out) => configSource(pipeline("group: 'ingestion',"), out, 'concurrency: { groups: { ingestion: 0 } },'), 'concurrency.groups.ingestion', 'expected a number >= 1'],
    ['unknown group', 'etl.config.ts', (out) => configSource(pipeline("group: 'ingestoin',"), out, 'concurrency: { groups: { ingestion: 1 } },'), 'pipelines.feeds.group', "unknown group 'ingestoin'"],
    ['bad duration', 'etl.config.ts', (out) => configSource(pipeline("policy: { retry: { backoff: { constant: '150 seconds' as never } } },"), out), 'pipelines.feeds.policy.retry.backoff.constant', 'expected a string matching'],
    ['zero attempts', 'etl.config.ts', (out) => configSource(pipeline('policy: { retry: { attempts: 0 } },'), out), 'pipelines.feeds.policy.retry.attempts', 'expected a number >= 1'],
    ['two backoffs at once', 'etl.config.ts', (out) => configSource(pipeline("policy: { retry: { backoff: { constant: '1s', exponential: { initial: '1s', max: '2s' } } as never } },"), out), 'pipelines.feeds.policy.retry.backoff', 'expected at most 1 key'],
    ['source option of the wrong type', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 'ten' as never }), partitions: ['a'], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.source.records', 'expected integer, found string "ten"'],
    ['unknown source option', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 1, pageSiz: 3 } as never), partitions: ['a'], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.source.pageSiz', "did you mean 'pageSize'?"],
    ['missing sink option', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 1 }), partitions: ['a'], sink: fileSink({} as never) } }`, out), 'pipelines.feeds.sink.directory', 'is required but missing'],
    ['sink check refuses an option', 'etl.config.ts', (out) => configSource(`{ feeds: { source: countingSource({ records: 1 }), partitions: ['a'], sink: fileSink({ directory: 'relative/dir' }) } }`, out), 'pipelines.feeds.sink.directory', 'must be an absolute path'],
    ['source is not a plugin', 'etl.config.ts', (out) => configSource(`{ feeds: { source: 'atproto' as never, partitions: ['a'], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.source', 'expected a source made by a source plugin factory'],
    ['a sink where the source goes', 'etl.config.ts', (out) => configSource(`{ feeds: { source: fileSink({ directory: out }) as never, partitions: ['a'], sink: fileSink({ directory: out }) } }`, out), 'pipelines.feeds.source', 'expected a source, found a sink (test.file)'],
    ['transform not a function', 'etl.config.ts', (out) => configSource(pipeline("transform: 'upper' as never,"), out), 'pipelines.feeds.transform', 'expected a function, found string "upper"'],
    ['YAML syntax error', 'etl.config.yaml', () => 'pipelines:\n  feeds: [unclosed\n', '', 'cannot be loaded'],
    ['package.json#etl is found, and checked like any config', 'package.json', () => '{ "name": "x", "etl": { "pipelines": { "feeds": { "source": "atproto", "partitions": ["a"], "sink": {} } } } }', 'pipelines.feeds.source', 'expected a source made by a source plugin factory'],
    ['JSON config without plugins', 'etl.config.json', () => '{ "pipelines": { "feeds": { "source": "atproto", "partitions": ["a"], "sink": {} } } }', 'pipelines.feeds.source', 'expected a source made by a source plugin factory'],
  ];

  it.each(cases)('%s', async (_name, file, content, path, message) => {
    await project.write(file, content(project.out));
    const result = await cli(['validate'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const line = result.stderr.split('\n').find((l) => l.includes(message));
    expect(line, result.stderr).toBeDefined();
    expect(line).toContain(path ? `${file}: ${path}: ` : `${file}: `);
    // Nothing ran: no output directory was created.
    expect(existsSync(project.out)).toBe(false);
  });

  it('reports every problem at once, not just the first', async () => {
    await project.write('etl.config.ts', configSource(`{
      a: { source: countingSource({ records: -1 }), partitions: ['x', 'x'], sink: fileSink({ directory: 'rel' }), group: 'nope' },
      b: { source: countingSource({ records: 1 }), partitions: [], sink: fileSink({ directory: out }) },
    }`, project.out));
    const result = await cli(['run'], project.dir);
    expect(result.code).toBe(2);
    for (const path of ['pipelines.a.source.records', 'pipelines.a.partitions[1]', 'pipelines.a.sink.directory', 'pipelines.a.group', 'pipelines.b.partitions']) {
      expect(result.stderr).toContain(`etl.config.ts: ${path}: `);
    }
    expect(result.stderr).toContain('Invalid config (5 problems)');
    expect(existsSync(project.out)).toBe(false);
  });

  it('never echoes a secret option, even a mistyped one', async () => {
    await project.write('etl.config.ts', configSource(`{ feeds: { source: countingSource({ records: 1, apiKey: 987654321 as never }), partitions: ['a'], sink: fileSink({ directory: out }) } }`, project.out));
    const result = await cli(['validate'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pipelines.feeds.source.apiKey: expected string, found *** (secret)');
    expect(result.stderr).not.toContain('987654321');
  });

  it('names a missing --config file', async () => {
    const result = await cli(['validate', '--config', 'nope.config.ts'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope.config.ts: config file not found');
  });

  it('says where it looked when there is no config', async () => {
    const result = await cli(['validate'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no config found');
    expect(result.stderr).toContain('etl.config.ts');
  });
});

describe('config discovery and export forms', () => {
  it.each([
    ['etl.config.ts', (o: string) => configSource(good(), o)],
    ['etl.config.mts', (o: string) => configSource(good(), o)],
    ['.etlrc.ts', (o: string) => configSource(good(), o)],
    ['etl.config.mjs', (o: string) => configSource(good(), o).replace("import { defineConfig } from '@etl/core';", 'const defineConfig = (c) => c;')],
    ['etl.config.ts', (o: string) => configSource(good(), o).replace('export default defineConfig({', 'export default Promise.resolve({').replace(/\}\);\n$/, '});\n')],
    ['etl.config.ts', (o: string) => configSource(good(), o).replace('export default defineConfig({', 'export default async () => ({').replace(/\}\);\n$/, '});\n')],
  ])('finds %s', async (file, content) => {
    await project.write(file, content(project.out));
    const result = await cli(['validate'], project.dir);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${file} is valid: 1 pipeline(s), 2 task(s)\n`);
    expect(result.code).toBe(0);
  });

  it('takes --config over discovery', async () => {
    await project.write('etl.config.ts', 'export default 1;');
    await project.write('configs/other.ts', configSource(good(), project.out));
    const result = await cli(['validate', '--config', 'configs/other.ts'], project.dir);
    expect(result.stdout).toContain('configs/other.ts is valid');
    expect(result.code).toBe(0);
  });
});

describe('plugins by name in JSON and YAML configs', () => {
  it('resolves { use, options } relative to the config, validates the options, and runs', async () => {
    await project.write('etl.config.json', JSON.stringify({
      pipelines: {
        members: { source: { use: `${fixturePlugins}#countingSource`, options: { records: 3 } }, partitions: ['pack'], sink: { use: `${fixturePlugins}#fileSink`, options: { directory: project.out } } },
        feeds: {
          source: { use: `${fixturePlugins}#countingSource`, options: { records: 2 } },
          partitions: { fromPipeline: 'members', select: 'partition' },
          sink: { use: `${fixturePlugins}#fileSink`, options: { directory: project.out } },
        },
      },
    }));
    const result = await cli(['run', '--json'], project.dir);
    expect(result.stderr).toBe('');
    expect((JSON.parse(result.stdout) as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toEqual(['members/pack', 'feeds/pack']);
  });

  it('reports a bad reference or bad options with the file and path', async () => {
    await project.write('etl.config.yaml', [
      'pipelines:',
      '  feeds:',
      `    source: { use: "${fixturePlugins}", options: { records: 1 } }`,
      '    partitions: [a]',
      `    sink: { use: "${fixturePlugins}#fileSink", options: { directory: 42 } }`,
      '  other:',
      '    source: { use: "no-such-etl-plugin-package" }',
      '    partitions: [a]',
      `    sink: { use: "${fixturePlugins}#nope" }`,
    ].join('\n'));
    const result = await cli(['validate'], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`etl.config.yaml: pipelines.feeds.source.use: '${fixturePlugins}' exports several plugin factories; pick one with '#': ${fixturePlugins}#countingSource (test.counting), ${fixturePlugins}#fileSink (test.file)`);
    expect(result.stderr).toContain("etl.config.yaml: pipelines.other.source.use: cannot load 'no-such-etl-plugin-package'");
    expect(result.stderr).toContain(`etl.config.yaml: pipelines.other.sink.use: '${fixturePlugins}' has no plugin factory named 'nope'`);

    await project.write('etl.config.yaml', ['pipelines:', '  feeds:', `    source: { use: "${fixturePlugins}#countingSource", options: { records: 1 } }`, '    partitions: [a]', `    sink: { use: "${fixturePlugins}#fileSink", options: { directory: 42 } }`].join('\n'));
    const bad = await cli(['validate'], project.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('etl.config.yaml: pipelines.feeds.sink.directory: expected string, found number 42');
  });
});

describe('etl run', () => {
  it('runs every task, writes the sink, and prints a JSON summary', async () => {
    await project.write('etl.config.ts', configSource(good(), project.out, 'concurrency: { limit: 2, groups: { ingestion: 1 } },'));
    const result = await cli(['run', '--json'], project.dir);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; tasks: { taskId: string; status: string; records: number; pages: number }[] };
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => [t.taskId, t.status, t.records, t.pages])).toEqual([
      ['feeds/alice', 'succeeded', 25, 3],
      ['feeds/bob', 'succeeded', 25, 3],
    ]);
    const lines = (await readFile(join(project.out, 'feeds/alice.ndjson'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([...Array(25).keys()]);
  });

  it('exits 1 when a task fails, keeps the others, leaves no partial file, and names the cause', async () => {
    await project.write('etl.config.ts', configSource(`{
      feeds: { source: countingSource({ records: 25, failPartitions: ['bob'], apiKey: 'sk-live-abcdef' }), partitions: ['alice', 'bob', 'carol'], sink: fileSink({ directory: out }) },
    }`, project.out));
    const result = await cli(['run'], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[feeds/bob] FAILED: Forbidden 403: permanent failure for bob (key ***)');
    expect(result.stdout).not.toContain('sk-live-abcdef');
    expect((await readdir(join(project.out, 'feeds'))).sort()).toEqual(['alice.ndjson', 'carol.ndjson']);
  });

  it('--dry-run prints the plan and touches nothing', async () => {
    await project.write('etl.config.ts', configSource(good().replace('sink: fileSink', "group: 'ingestion', sink: fileSink"), project.out, 'concurrency: { groups: { ingestion: 1 } },'));
    const result = await cli(['run', '--dry-run'], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan: 2 task(s)');
    expect(result.stdout).toContain('1. feeds/alice  [ingestion]');
    expect(existsSync(project.out)).toBe(false);
  });

  it('selects pipelines and partitions, and refuses unknown ones with exit 2', async () => {
    await project.write('etl.config.ts', configSource(good().replace('sink: fileSink', "group: 'ingestion', sink: fileSink"), project.out, 'concurrency: { groups: { ingestion: 1 } },'));
    const one = await cli(['run', '--json', '--partition', 'bob'], project.dir);
    expect(one.code).toBe(0);
    expect((JSON.parse(one.stdout) as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toEqual(['feeds/bob']);
    const unknown = await cli(['run', '--pipeline', 'feed'], project.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown pipeline 'feed' (did you mean 'feeds'?)");
    const badFlag = await cli(['run', '--frobnicate'], project.dir);
    expect(badFlag.code).toBe(2);
  });

  it('an abort mid-run aborts the sinks: exit 130, no partial files', async () => {
    await project.write('etl.config.ts', configSource(`{
      feeds: { source: countingSource({ records: 1000, pageSize: 1, delayMs: 5 }), partitions: ['alice'], sink: fileSink({ directory: out }) },
    }`, project.out));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await cli(['run'], project.dir, controller.signal);
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('[feeds/alice] aborted');
    expect(await readdir(join(project.out, 'feeds'))).toEqual([]);
  });
});

describe('etl list', () => {
  it('shows pipelines, partitions, groups and the plan, with secrets redacted', async () => {
    await project.write('etl.config.ts', configSource(`{
      feeds: { source: countingSource({ records: 5, apiKey: 'sk-live-abcdef' }), partitions: ['alice', 'bob'], sink: fileSink({ directory: out }), group: 'ingestion' },
    }`, project.out, 'concurrency: { limit: 3, groups: { ingestion: 1 } },'));
    const text = await cli(['list'], project.dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Concurrency: 3 task(s) at once; groups: ingestion=1');
    expect(text.stdout).toContain('source     test.counting {"records":5,"apiKey":"***"}');
    expect(text.stdout).toContain('policy     5 attempt(s) 150s apart; bulkhead 1');
    expect(text.stdout).not.toContain('sk-live');
    const json = await cli(['list', '--json'], project.dir);
    const plan = JSON.parse(json.stdout) as { tasks: { taskId: string }[] };
    expect(plan.tasks.map((t) => t.taskId)).toEqual(['feeds/alice', 'feeds/bob']);
  });
});
