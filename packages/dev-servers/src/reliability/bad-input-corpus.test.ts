// Guarantee: a bad config or bad plugin options (real plugins) makes `etl validate` and `etl run` exit 2,
// naming the file and the config path, before any network call or S3 write.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommandLine } from '@etl/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, startAppView, type AppView } from '../appview/index.js';
import { startS3, type S3Server } from '../s3/index.js';
import { runEtl, scratchDir, writeProjectFile } from './harness.js';

const HEAD = `import { defineConfig, env, fromPipeline } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed, atprotoSearchPosts, atprotoStarterPackMembers, atprotoListMembers } from '@etl/source-atproto';
const e = process.env;
const sink = s3Sink({ bucket: 'corpus', key: 'x/{pipeline}/{partition}.jsonl', endpoint: e.S3_ENDPOINT, forcePathStyle: true });
const feed = atprotoAuthorFeed({ service: e.ATPROTO_SERVICE });
void env; void fromPipeline; void atprotoSearchPosts; void atprotoStarterPackMembers; void atprotoListMembers;
`;
const ts = (body: string) => `${HEAD}export default defineConfig(${body});\n`;
const one = (pipeline: string, extra = '') => ts(`{ ${extra} pipelines: { feeds: ${pipeline} } }`);
const ok = `{ source: feed, partitions: ['alice.test'], sink }`;

/** [name, file name, content, a path the error must name]. */
const corpus: [string, string, string, RegExp][] = [
  ['TS syntax error', 'etl.config.ts', `${HEAD}export default defineConfig({ pipelines: { feeds: ${ok} }`, /etl\.config\.ts/],
  ['no default export', 'etl.config.ts', `${HEAD}export const config = { pipelines: {} };\n`, /default/i],
  ['default export not an object', 'etl.config.ts', `${HEAD}export default 42;\n`, /etl\.config\.ts/],
  ['function throwing', 'etl.config.ts', `${HEAD}export default () => { throw new Error('boom in config'); };\n`, /boom in config/],
  ['pipelines missing', 'etl.config.ts', ts(`{ concurrency: { limit: 1 } }`), /pipelines/],
  ['pipelines wrong type', 'etl.config.ts', ts(`{ pipelines: [] }`), /pipelines/],
  ['unknown top-level key', 'etl.config.ts', ts(`{ pipelnes: {}, pipelines: { feeds: ${ok} } }`), /pipelnes/],
  ['unknown pipeline key', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, grup: 'x' }`), /pipelines\.feeds\.grup/],
  ['missing source', 'etl.config.ts', one(`{ partitions: ['alice.test'], sink }`), /pipelines\.feeds/],
  ['missing sink', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'] }`), /pipelines\.feeds/],
  ['source not a plugin', 'etl.config.ts', one(`{ source: { fetch: 1 }, partitions: ['alice.test'], sink }`), /pipelines\.feeds\.source/],
  ['partitions wrong type', 'etl.config.ts', one(`{ source: feed, partitions: 'alice.test', sink }`), /pipelines\.feeds\.partitions/],
  ['empty partition', 'etl.config.ts', one(`{ source: feed, partitions: [''], sink }`), /pipelines\.feeds\.partitions\[0\]/],
  ['duplicate partition', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test', 'bob.test', 'alice.test'], sink }`), /pipelines\.feeds\.partitions\[2\]/],
  ['invalid actor identifier', 'etl.config.ts', one(`{ source: feed, partitions: ['not a handle!'], sink }`), /pipelines\.feeds\.partitions\[0\]/],
  ['invalid DID', 'etl.config.ts', one(`{ source: feed, partitions: ['did:nope'], sink }`), /pipelines\.feeds\.partitions\[0\]/],
  ['unknown group', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, group: 'ingest' }`, `concurrency: { limit: 1, groups: { ingestion: 1 } },`), /pipelines\.feeds\.group/],
  ['limit < 1', 'etl.config.ts', ts(`{ concurrency: { limit: 0 }, pipelines: { feeds: ${ok} } }`), /concurrency\.limit/],
  ['group limit < 1', 'etl.config.ts', ts(`{ concurrency: { limit: 1, groups: { g: 0 } }, pipelines: { feeds: ${ok} } }`), /concurrency\.groups\.g/],
  ['bad duration', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, policy: { retry: { attempts: 3, backoff: { constant: '5 parsecs' } } } }`), /pipelines\.feeds\.policy\.retry\.backoff/],
  ['negative duration', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, policy: { retry: { attempts: 3, backoff: { constant: -5 } } } }`), /pipelines\.feeds\.policy\.retry\.backoff/],
  ['attempts wrong type', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, policy: { retry: { attempts: 'many' } } }`), /pipelines\.feeds\.policy\.retry\.attempts/],
  ['bad mode', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, mode: 'sometimes' }`), /pipelines\.feeds\.mode/],
  ['sink missing bucket', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink: s3Sink({ key: '{partition}.jsonl' } as never) }`), /pipelines\.feeds\.sink/],
  ['sink unknown placeholder', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink: s3Sink({ bucket: 'bucket-x', key: '{day}/{partition}.jsonl' }) }`), /pipelines\.feeds\.sink\.key/],
  ['sink unknown option', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink: s3Sink({ bucket: 'b', key: '{partition}', buckit: 'c' } as never) }`), /pipelines\.feeds\.sink\.buckit/],
  ['source unknown option', 'etl.config.ts', one(`{ source: atprotoAuthorFeed({ servise: 'http://x' } as never), partitions: ['alice.test'], sink }`), /pipelines\.feeds\.source\.servise/],
  ['source option wrong type', 'etl.config.ts', one(`{ source: atprotoAuthorFeed({ limit: 'ten' } as never), partitions: ['alice.test'], sink }`), /pipelines\.feeds\.source\.limit/],
  ['source limit out of range', 'etl.config.ts', one(`{ source: atprotoAuthorFeed({ limit: 1000 }), partitions: ['alice.test'], sink }`), /pipelines\.feeds\.source\.limit/],
  ['unknown upstream pipeline', 'etl.config.ts', one(`{ source: feed, partitions: fromPipeline('nope', (m: any) => m.did), sink }`), /pipelines\.feeds\.partitions/],
  ['dependency cycle', 'etl.config.ts', ts(`{ pipelines: { a: { source: feed, partitions: fromPipeline('b', (m: any) => m.did), sink }, b: { source: feed, partitions: fromPipeline('a', (m: any) => m.did), sink } } }`), /pipelines\.(a|b)\.partitions/],
  ['search without auth', 'etl.config.ts', one(`{ source: atprotoSearchPosts({ service: e.ATPROTO_SERVICE }), partitions: ['cats'], sink }`), /pipelines\.feeds\.source/],
  ['bad starter pack URI', 'etl.config.ts', one(`{ source: atprotoStarterPackMembers({ service: e.ATPROTO_SERVICE }), partitions: ['https://bsky.app/not-a-pack'], sink }`), /pipelines\.feeds\.partitions\[0\]/],
  ['incremental on a source without support', 'etl.config.ts', one(`{ source: atprotoStarterPackMembers({ service: e.ATPROTO_SERVICE }), partitions: ['at://did:plc:lc5jzrr425fyah724df3z5ik/app.bsky.graph.starterpack/3l7cddlz5ja24'], sink, mode: 'incremental' }`), /pipelines\.feeds\.mode/],
  ['missing env() secret', 'etl.config.ts', one(`{ source: atprotoAuthorFeed({ auth: { identifier: 'alice.test', password: env('ETL_CORPUS_UNSET_PASSWORD') } }), partitions: ['alice.test'], sink }`), /ETL_CORPUS_UNSET_PASSWORD/],
  ['checkpoint wrong type', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, checkpoint: { everyPages: 0 } }`), /pipelines\.feeds\.checkpoint/],
  ['JSON syntax error', 'etl.config.json', `{ "pipelines": { "feeds": { } `, /etl\.config\.json/],
  ['JSON unknown plugin export', 'etl.config.json', JSON.stringify({ pipelines: { feeds: { source: { use: '@etl/source-atproto#atprotoNoSuchSource', options: {} }, partitions: ['alice.test'], sink: { use: '@etl/sink-s3#s3Sink', options: { bucket: 'b', key: '{partition}' } } } } }), /pipelines\.feeds\.source/],
  ['JSON bad plugin options', 'etl.config.json', JSON.stringify({ pipelines: { feeds: { source: { use: '@etl/source-atproto#atprotoAuthorFeed', options: { limit: -1 } }, partitions: ['alice.test'], sink: { use: '@etl/sink-s3#s3Sink', options: { bucket: 'b', key: '{partition}' } } } } }), /pipelines\.feeds\.source/],
  ['YAML wrong types', 'etl.config.yaml', `pipelines:\n  feeds:\n    source: { use: '@etl/source-atproto#atprotoAuthorFeed', options: {} }\n    partitions: 7\n    sink: { use: '@etl/sink-s3#s3Sink', options: { bucket: b, key: '{partition}' } }\n`, /pipelines\.feeds\.partitions/],
  ['sink value below its minimum and unknown placeholder, in one run', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink: s3Sink({ bucket: 'bucket-x', key: '{day}/{partition}.jsonl', partSizeBytes: 1024 }) }`), /pipelines\.feeds\.sink\.partSizeBytes: expected a number >= 5242880[\s\S]*pipelines\.feeds\.sink\.key: unknown placeholder \{day\}/],
  ['top-level key inside a pipeline', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test'], sink, concurrency: { limit: 2 } }`), /pipelines\.feeds\.concurrency: 'concurrency' is not a pipeline option; it belongs at the top level of the config\n/],
  ['key without {partition} for two static partitions', 'etl.config.ts', one(`{ source: feed, partitions: ['alice.test', 'bob.test'], sink: s3Sink({ bucket: 'corpus', key: 'x/{pipeline}.jsonl', endpoint: e.S3_ENDPOINT, forcePathStyle: true }) }`), /pipelines\.feeds\.sink\.key: pipeline "feeds", partitions "alice\.test", "bob\.test" would all write s3:\/\/corpus\/x\/feeds\.jsonl in one run/],
  ['two pipelines rendering the same keys', 'etl.config.ts', ts(`{ pipelines: { a: { source: feed, partitions: ['alice.test'], sink: s3Sink({ bucket: 'corpus', key: 'x/{partition}.jsonl', endpoint: e.S3_ENDPOINT, forcePathStyle: true }) }, b: { source: feed, partitions: ['alice.test'], sink: s3Sink({ bucket: 'corpus', key: 'x/{partition}.jsonl', endpoint: e.S3_ENDPOINT, forcePathStyle: true, manifest: false }) } } }`), /pipelines\.b\.sink\.key: pipeline "a", partition "alice\.test" and pipeline "b", partition "alice\.test" would all write s3:\/\/corpus\/x\/alice\.test\.jsonl/],
];

let appView: AppView;
let s3: S3Server;
let root: string;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  appView = await startAppView({ dataset: generateDataset({ seed: 5, postsPerActor: [3] }) });
  s3 = await startS3({ buckets: ['corpus'] });
  root = await scratchDir('bad-input');
  for (const [k, v] of Object.entries({ ATPROTO_SERVICE: appView.url, S3_ENDPOINT: s3.endpoint })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  delete process.env.ETL_CORPUS_UNSET_PASSWORD;
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await appView?.close();
  await s3?.close();
  await rm(root, { recursive: true, force: true });
});

async function cli(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(argv, {
    cwd,
    stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
  });
  return { code, stdout, stderr };
}

describe('bad input corpus (real plugins): exit 2, file + path named, nothing fetched or written', () => {
  it(`has at least 30 cases (${corpus.length})`, () => expect(corpus.length).toBeGreaterThanOrEqual(30));

  it.each(corpus.map((c, i) => [i, ...c] as const))('#%i %s', async (i, _name, file, content, path) => {
    const dir = join(root, `case-${i}`);
    await writeProjectFile(dir, file, content);
    const before = { appView: appView.requests, s3: s3.requests };
    for (const command of [['validate'], ['run'], ['run', '--json']]) {
      const out = await cli([...command, '--config', file], dir);
      expect(out.code, `${command.join(' ')}: ${out.stderr}${out.stdout}`).toBe(2);
      expect(out.stderr, command.join(' ')).toContain(file);
      expect(out.stderr, command.join(' ')).toMatch(path);
    }
    expect({ appView: appView.requests, s3: s3.requests }).toEqual(before);
  });

  it('the real binary agrees for a handful (exit 2, file and path on stderr, no request)', async () => {
    const before = { appView: appView.requests, s3: s3.requests };
    for (const i of [0, 7, 14, 24, 30, 33]) {
      const [, file, , path] = corpus[i]!;
      for (const command of ['validate', 'run']) {
        const out = await runEtl(join(root, `case-${i}`), [command, '--config', file], { ATPROTO_SERVICE: appView.url, S3_ENDPOINT: s3.endpoint });
        expect(out.code, `#${i} ${command}: ${out.stderr}`).toBe(2);
        expect(out.stderr).toContain(file);
        expect(out.stderr).toMatch(path);
      }
    }
    expect({ appView: appView.requests, s3: s3.requests }).toEqual(before);
  }, 120_000);
});
