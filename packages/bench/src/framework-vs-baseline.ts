// Framework vs hand-written baseline (issue #9, 1): the same job — page every actor's author feed from a
// lexicon-validating AppView and write one NDJSON object per actor to s3rver — done by the real `etl run`
// and by baseline-script.ts, each in its own process, alternating, against the same servers (which run
// here, in the harness, so they count for neither). Every run's objects are read back and checked against
// the dataset before its figures count: a run that wrote the wrong thing throws.
import { fileURLToPath } from 'node:url';
import { generateDataset, startAppView, type AppView, type Dataset } from '@etl/dev-servers';
import { startS3, type S3Server } from '@etl/dev-servers/s3';
import { s3Environment } from './author-feed-config.js';
import { cpuProfileArgs } from './cpu-profile-args.js';
import { measureEtlRun } from './measure-etl-run.js';
import { checkFeedObjects, expectedFeedObjects } from './feed-output-check.js';
import { goal, round, type Benchmark, type BenchRow } from './bench-report.js';
import { median } from './medians.js';
import { assertSucceeded, MB, measureChild, type Measurement } from './measure-child.js';
import { digestObjects, type ObjectDigest } from './object-digests.js';
import { ServerExchanges } from './server-exchanges.js';

const NAME = 'framework vs baseline';
const BUCKET = 'bench-baseline';
const GOAL_WALL_RATIO = 1.05;
const SEED = 9;
const PAGE_LIMIT = 100;

const baselineScript = fileURLToPath(new URL('./baseline-script.js', import.meta.url));

interface Case {
  readonly actors: number;
  readonly posts: number;
}

type Side = 'baseline' | 'framework';

interface Servers {
  readonly appView: AppView;
  readonly s3: S3Server;
}

interface CaseResult {
  readonly runs: Record<Side, Measurement[]>;
  /** Objects per run whose bytes were identical in the two outputs of a repetition. */
  readonly identical: number;
  readonly objects: number;
}

/** getAuthorFeed calls for a feed of `posts` items: full and partial pages, then the empty page that ends it. */
const feedCalls = (posts: number): number => Math.ceil(posts / PAGE_LIMIT) + 1;

async function runSide(side: Side, servers: Servers, dataset: Dataset, prefix: string): Promise<Measurement> {
  const { appView, s3 } = servers;
  const key = `${prefix}{partition}.jsonl`;
  const actors = dataset.actors.map((actor) => actor.did);
  const env = s3Environment(s3);
  if (side === 'baseline') {
    const args = ['--service', appView.url, '--endpoint', s3.endpoint, '--region', s3.region, '--bucket', BUCKET, '--key', key, '--limit', String(PAGE_LIMIT), '--actors', actors.join(',')];
    return assertSucceeded(`baseline (${prefix})`, await measureChild({ script: baselineScript, args, env, nodeArgs: cpuProfileArgs(prefix) }));
  }
  return measureEtlRun(`etl run (${prefix})`, { service: appView.url, s3, bucket: BUCKET, key, partitions: actors, source: { limit: PAGE_LIMIT } }, cpuProfileArgs(prefix));
}

interface ExpectedWork {
  readonly objects: ReadonlyMap<string, number>;
  readonly calls: number;
}

/** One measured run, checked: it made exactly the calls the job needs and wrote exactly its objects. */
async function checkedRun(side: Side, servers: Servers, dataset: Dataset, prefix: string, expected: ExpectedWork): Promise<{ measurement: Measurement; digests: Map<string, ObjectDigest> }> {
  const calls = new ServerExchanges(Number(new URL(servers.appView.url).port));
  let measurement: Measurement;
  try {
    measurement = await runSide(side, servers, dataset, prefix);
  } finally {
    calls.stop();
  }
  if (calls.exchanges.length !== expected.calls) throw new Error(`${side} (${prefix}) made ${calls.exchanges.length} AppView calls, expected ${expected.calls}`);
  const digests = await digestObjects(servers.s3, BUCKET, prefix);
  checkFeedObjects(`${side} (${prefix})`, digests, expected.objects);
  return { measurement, digests };
}

async function runCase(index: number, testCase: Case, repetitions: number, s3: S3Server): Promise<CaseResult> {
  const dataset = generateDataset({ seed: SEED, actors: testCase.actors, postsPerActor: testCase.posts });
  const expected: ExpectedWork = {
    objects: expectedFeedObjects(dataset),
    calls: dataset.actors.reduce((sum, actor) => sum + feedCalls(actor.posts.length), 0),
  };
  const appView = await startAppView({ dataset });
  const runs: Record<Side, Measurement[]> = { baseline: [], framework: [] };
  let identical = 0;
  try {
    for (let rep = 0; rep < repetitions; rep++) {
      // Alternating which goes first, so neither always meets the warmer caches.
      const order: readonly Side[] = rep % 2 === 0 ? ['baseline', 'framework'] : ['framework', 'baseline'];
      const written = new Map<Side, Map<string, ObjectDigest>>();
      for (const side of order) {
        // A fresh prefix per run: each run's objects are its own to check.
        const { measurement, digests } = await checkedRun(side, { appView, s3 }, dataset, `case-${index}/rep-${rep}/${side}/`, expected);
        runs[side].push(measurement);
        written.set(side, digests);
      }
      const framework = written.get('framework');
      for (const [key, digest] of written.get('baseline') ?? []) if (framework?.get(key)?.sha256 === digest.sha256) identical++;
    }
  } finally {
    await appView.close();
  }
  return { runs, identical, objects: expected.objects.size * repetitions };
}

const seconds = (ms: number): number => round(ms / 1000, 2);
const megabytes = (bytes: number): number => Math.round(bytes / MB);

function caseRow(testCase: Case, result: CaseResult, repetitions: number): BenchRow {
  const of = (side: Side, pick: (m: Measurement) => number): number => median(result.runs[side].map(pick));
  const wall = { baseline: of('baseline', (m) => m.wallMs), framework: of('framework', (m) => m.wallMs) };
  const ratio = round(wall.framework / wall.baseline, 3);
  const bytes = result.identical === result.objects ? 'byte-identical' : `byte-identical for ${result.identical} of ${result.objects} objects only (same keys and line counts)`;
  return {
    benchmark: NAME,
    case: `${testCase.actors} actors x ${testCase.posts.toLocaleString('en-US')} posts`,
    figures: [
      { name: 'baseline wall', value: seconds(wall.baseline), unit: 's' },
      { name: 'framework wall', value: seconds(wall.framework), unit: 's' },
      { name: 'baseline CPU', value: seconds(of('baseline', (m) => m.cpuMs)), unit: 's' },
      { name: 'framework CPU', value: seconds(of('framework', (m) => m.cpuMs)), unit: 's' },
      { name: 'baseline peak RSS', value: megabytes(of('baseline', (m) => m.maxRssBytes)), unit: 'MB' },
      { name: 'framework peak RSS', value: megabytes(of('framework', (m) => m.maxRssBytes)), unit: 'MB' },
    ],
    goal: goal('framework wall / baseline wall', '<=', GOAL_WALL_RATIO, ratio),
    note:
      `medians of ${repetitions} alternating run(s) each; both keep one getAuthorFeed call in flight (the framework's default bulkhead 1, ` +
      `concurrency 1; the baseline pages one actor at a time, prefetching the next page while it encodes); partitions are DIDs, as the ` +
      `starter-pack stage gives them (with handles the framework adds one resolveHandle per actor); checked: the same AppView calls, ` +
      `the same keys, one line per post, ${bytes}`,
  };
}

export const benchmark: Benchmark = async ({ smoke }) => {
  const cases: readonly Case[] = smoke
    ? [
        { actors: 5, posts: 100 },
        { actors: 1, posts: 1_000 },
      ]
    : [
        { actors: 50, posts: 1_000 },
        { actors: 5, posts: 20_000 },
      ];
  const repetitions = smoke ? 1 : 3;
  const s3 = await startS3({ buckets: [BUCKET] });
  try {
    const rows: BenchRow[] = [];
    for (const [index, testCase] of cases.entries()) rows.push(caseRow(testCase, await runCase(index, testCase, repetitions, s3), repetitions));
    return rows;
  } finally {
    await s3.close();
  }
};
