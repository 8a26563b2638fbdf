// The world of the queue runner tests: Redis, the loopback AppView (answering each call after a short
// delay, and logging when each call began), s3rver, and a config with two concurrency groups written in
// the workspace (so it resolves @etl/* as an installed project would).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDataset, startAppView, type AppView } from '@etl/dev-servers';
import { getObject, listKeys, s3Faults, startS3, type S3Server } from '@etl/dev-servers/s3';
import { Barrier } from './barrier.js';
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
  /** When each getAuthorFeed call began, by actor handle (whether it was called by handle or DID). */
  readonly callStarts: Map<string, number[]>;
  readonly callDelayMs: number;
  env(prefix: string): NodeJS.ProcessEnv;
  /**
   * Holds every S3 request for a key under `keyPrefix` until `count` of `actors` have been called (from
   * now on): a task whose writes are held cannot finish, so that many tasks must be running at once.
   */
  holdWritesUntilCalled(keyPrefix: string, actors: readonly string[], count: number, timeoutMs: number): Barrier;
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
  // The source resolves each handle once and then calls by DID: calls are logged by the handle they serve.
  const handleOf = new Map(dataset.actors.flatMap((a) => [[a.did, a.handle] as const, [a.handle, a.handle] as const]));
  const callStarts = new Map<string, number[]>();
  const holds: { keyPrefix: string; actors: ReadonlySet<string>; barrier: Barrier }[] = [];
  const redis = await startRedis();
  const appView = await startAppView({
    dataset,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    faults: (request) => {
      if (request.nsid !== 'app.bsky.feed.getAuthorFeed') return undefined;
      const actor = handleOf.get(String(request.params.actor)) ?? String(request.params.actor);
      callStarts.set(actor, [...(callStarts.get(actor) ?? []), Date.now()]);
      for (const hold of holds) if (hold.actors.has(actor)) hold.barrier.arrive(actor);
      return { delayMs: callDelayMs };
    },
  });
  const s3 = await startS3({
    buckets: [BUCKET],
    faults: (request) => {
      const hold = holds.find((h) => !h.barrier.isOpen && request.key?.startsWith(h.keyPrefix));
      return hold ? s3Faults.hold(hold.barrier.opened) : undefined;
    },
  });
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
    holdWritesUntilCalled: (keyPrefix, actors, count, timeoutMs) => {
      const barrier = new Barrier(`${count} of the tasks writing under ${keyPrefix} running at once`, count, timeoutMs);
      holds.push({ keyPrefix, actors: new Set(actors), barrier });
      return barrier;
    },
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
