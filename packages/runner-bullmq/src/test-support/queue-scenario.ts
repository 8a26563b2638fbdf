// The world of the queue runner tests: Redis, the loopback AppView (answering each call after a short
// delay, and logging when each call began), s3rver, and a config with two concurrency groups written in
// the workspace (so it resolves @etl/* as an installed project would).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDataset, startAppView, type AppView } from '@etl/dev-servers';
import { getObject, listKeys, startS3, type S3Server } from '@etl/dev-servers/s3';
import { startRedis, type TestRedis } from './redis-server.js';
import { workspaceRoot } from './etl-process.js';

export const BUCKET = 'queue';
export const LIMITS = { global: 2, a: 2, b: 1 } as const;

const config = (sourceOptions: string) => `import { defineConfig } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed } from '@etl/source-atproto';
const env = process.env;
const sink = (group) => s3Sink({
  bucket: '${BUCKET}', key: env.ETL_PREFIX + '/' + group + '/{partition}.jsonl', endpoint: env.S3_ENDPOINT, forcePathStyle: true,
  rollover: { maxRecords: 40 }, manifest: env.ETL_PREFIX + '/_manifests/' + group + '-{runId}.json',
});
// One source value for both pipelines: one bulkhead (of 1) and one view of the rate limit, as in a local run.
const source = atprotoAuthorFeed({ service: env.ATPROTO_SERVICE, limit: 10, ${sourceOptions} });
export default defineConfig({
  concurrency: { limit: ${LIMITS.global}, groups: { a: ${LIMITS.a}, b: ${LIMITS.b} } },
  pipelines: {
    feedsA: {
      source,
      partitions: env.ETL_ACTORS_A.split(','), sink: sink('a'), group: 'a', checkpoint: { everyPages: 2 },
      policy: { retry: { attempts: 3, backoff: { constant: '50ms' } } },
    },
    feedsB: {
      source,
      partitions: env.ETL_ACTORS_B.split(','), sink: sink('b'), group: 'b', checkpoint: { everyPages: 2 },
      policy: { retry: { attempts: 3, backoff: { constant: '50ms' } } },
    },
  },
});
`;

export interface Scenario {
  readonly redis: TestRedis;
  readonly appView: AppView;
  readonly s3: S3Server;
  readonly dir: string;
  readonly actorsA: readonly string[];
  readonly actorsB: readonly string[];
  /** When each getAuthorFeed call began, by actor. */
  readonly callStarts: Map<string, number[]>;
  readonly callDelayMs: number;
  env(prefix: string): NodeJS.ProcessEnv;
  /** Every object under `prefix/` (manifests aside): key relative to the prefix → body. */
  objects(prefix: string): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export interface ScenarioOptions {
  readonly postsPerActor: readonly number[];
  /** The first this many actors are partitions of `feedsA` (group a), the others of `feedsB` (group b). */
  readonly inGroupA: number;
  /** Every getAuthorFeed call is answered after this delay. */
  readonly callDelayMs: number;
  readonly rateLimit?: { readonly points: number; readonly durationMs: number } | undefined;
  /** Options of both pipelines' author feed sources beyond service and limit, as TS source. */
  readonly sourceOptions?: string | undefined;
}

export async function startScenario(name: string, options: ScenarioOptions): Promise<Scenario> {
  const { postsPerActor, inGroupA, callDelayMs } = options;
  const dataset = generateDataset({ seed: 23, postsPerActor });
  const handles = dataset.actors.map((a) => a.handle);
  const callStarts = new Map<string, number[]>();
  const redis = await startRedis();
  const appView = await startAppView({
    dataset,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    faults: (request) => {
      if (request.nsid !== 'app.bsky.feed.getAuthorFeed') return undefined;
      const actor = String(request.params.actor);
      callStarts.set(actor, [...(callStarts.get(actor) ?? []), Date.now()]);
      return { delayMs: callDelayMs };
    },
  });
  const s3 = await startS3({ buckets: [BUCKET] });
  const dir = join(workspaceRoot, '.tmp', `queue-${name}-${process.pid}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'etl.config.mjs'), config(options.sourceOptions ?? 'pacing: false'));
  const actorsA = handles.slice(0, inGroupA);
  const actorsB = handles.slice(inGroupA);
  return {
    redis,
    appView,
    s3,
    dir,
    actorsA,
    actorsB,
    callStarts,
    callDelayMs,
    env: (prefix) => ({
      ...process.env,
      ATPROTO_SERVICE: appView.url,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ETL_PREFIX: prefix,
      ETL_ACTORS_A: actorsA.join(','),
      ETL_ACTORS_B: actorsB.join(','),
    }),
    objects: async (prefix) => {
      const keys = (await listKeys(s3, BUCKET)).filter((k) => k.startsWith(`${prefix}/`) && !k.includes('/_manifests/'));
      const bodies = await Promise.all(keys.map((k) => getObject(s3, BUCKET, k)));
      return new Map(keys.map((k, i) => [k.slice(prefix.length + 1), bodies[i]?.toString('utf8') ?? '']));
    },
    close: async () => {
      await Promise.allSettled([redis.stop(), appView.close(), s3.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
