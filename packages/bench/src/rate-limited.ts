// Rate-limited run (issue #9, 5): the AppView fixture allows N calls per W-second window (xrpc-server's
// real MemoryRateLimiter, answering real `ratelimit-*` headers and 429s) and the job needs exactly k x N
// calls. The real `etl run` does it with the source's pacing on (spending the whole window), with the
// default pacing and with pacing off; the servers record, on their side, when each call arrived and how
// many were refused with 429.
//
// The minimum the limit allows (fixed-window-minimum.ts). rate-limiter-flexible's memory store, under
// MemoryRateLimiter, opens a window at the first call after the previous one expired and keeps it exactly
// W whole seconds (durationMs is floored to seconds); refused calls count but do not extend it. So window j
// opens no earlier than first + (j - 1) x W, and the last of k x N calls cannot arrive before
// first + (k - 1) x W + (N - 1) x gap, gap being the client's time from one call to the next. The minimum
// replays the run's own calls at the client's own pace that way (what the limit does not set, e.g. a slow
// first window while the process warms up, stays the client's), except where a call opened a new window:
// any waiting there beyond the expiry of a full window is what pacing lost. The figure compared with it
// is the span from the first call's arrival at the server to the last one's: process start-up is no part
// of what the limit constrains (the start-up benchmark measures it).
//
// 429s under `retryAt429: 'policy'` would wait the default 150 s backoff and make the figures about the
// retry policy; every variant therefore sets `retryAt429: 'reset'`, which waits exactly until the window
// resets.
import { generateDataset, startAppView, type Dataset } from '@etl/dev-servers';
import { startS3, type S3Server } from '@etl/dev-servers/s3';
import { goal, round, type Benchmark, type BenchRow } from './bench-report.js';
import { cpuProfileArgs } from './cpu-profile-args.js';
import { checkFeedObjects, expectedFeedObjects } from './feed-output-check.js';
import { fixedWindowMinimum, type RunWindows } from './fixed-window-minimum.js';
import { measureEtlRun } from './measure-etl-run.js';
import type { Measurement } from './measure-child.js';
import { digestObjects } from './object-digests.js';
import { ServerExchanges, type Exchange } from './server-exchanges.js';

const NAME = 'rate-limited run';
const BUCKET = 'bench-rate-limit';
const GOAL_RATIO = 1.05;
const GOAL_429S = 0;
const SEED = 5;
const PAGE_LIMIT = 100;

interface Limit {
  /** N: calls per window. */
  readonly points: number;
  /** W, in whole seconds (the limiter floors durationMs to seconds). */
  readonly windowSeconds: number;
  /** k: the job needs exactly k x N calls. */
  readonly windows: number;
  /** Actors the calls are spread over (each needs k x N / actors calls). */
  readonly actors: number;
}

interface Variant {
  readonly label: string;
  readonly source: Readonly<Record<string, unknown>>;
  /** The variant the goals are set for. */
  readonly goal?: boolean;
  readonly note: string;
}

const VARIANTS: readonly Variant[] = [
  {
    label: 'pacing { minRemaining: 0 }',
    source: { pacing: { minRemaining: 0 }, retryAt429: 'reset' },
    goal: true,
    note:
      'pacing on, spending the whole window: the benchmark scales Bluesky\'s 3000 calls / 5 min down to N calls / W s, and the default reserve of 5 ' +
      'calls (0.17% of 3000) scales down to 0',
  },
  {
    label: 'default pacing (minRemaining 5)',
    source: { retryAt429: 'reset' },
    note: 'keeps 5 calls of each window in reserve by design, so it needs more windows than the minimum when 5 is a large share of N',
  },
  {
    label: 'pacing off',
    source: { pacing: false, retryAt429: 'reset' },
    note: 'runs into each window\'s end: one 429 per window, then waits until the reset the 429 names (retryAt429 \'reset\')',
  },
];

interface Timing extends RunWindows {
  readonly calls: number;
  readonly refused: number;
}

/** Each actor needs `calls` getAuthorFeed calls: full pages of 100, then the empty page that ends the feed. */
function postsForCalls(calls: number): number {
  return (calls - 1) * PAGE_LIMIT;
}

function timingOf(exchanges: readonly Exchange[], limit: Limit): Timing {
  const refused = exchanges.filter((exchange) => exchange.status === 429).length;
  const accepted = exchanges.filter((exchange) => exchange.status !== 429).map((exchange) => exchange.arrivedMs);
  const windows = fixedWindowMinimum(accepted, { points: limit.points, windowMs: limit.windowSeconds * 1000 });
  return { ...windows, calls: exchanges.length, refused };
}

async function runVariant(index: number, variant: Variant, limit: Limit, dataset: Dataset, s3: S3Server): Promise<{ timing: Timing; measurement: Measurement }> {
  // A fresh server per run, so that every run starts with a fresh rate-limit window.
  const appView = await startAppView({ dataset, rateLimit: { points: limit.points, durationMs: limit.windowSeconds * 1000 } });
  const exchanges = new ServerExchanges(Number(new URL(appView.url).port));
  const prefix = `variant-${index}/`;
  let measurement: Measurement;
  try {
    const job = { service: appView.url, s3, bucket: BUCKET, key: `${prefix}{partition}.jsonl`, partitions: dataset.actors.map((a) => a.did), source: { limit: PAGE_LIMIT, ...variant.source } };
    measurement = await measureEtlRun(`etl run, ${variant.label}`, job, cpuProfileArgs(`rate-limited-${index}`));
  } finally {
    exchanges.stop();
    await appView.close();
  }
  checkFeedObjects(`etl run, ${variant.label}`, await digestObjects(s3, BUCKET, prefix), expectedFeedObjects(dataset));
  const timing = timingOf(exchanges.exchanges, limit);
  const needed = limit.points * limit.windows;
  if (timing.calls - timing.refused !== needed) {
    throw new Error(`${NAME}, ${variant.label}: ${timing.calls - timing.refused} calls answered, the job needs exactly ${needed}`);
  }
  return { timing, measurement };
}

const seconds = (ms: number): number => round(ms / 1000, 2);

function variantRows(variant: Variant, limit: Limit, timing: Timing, measurement: Measurement): BenchRow[] {
  const ratio = round(timing.spanMs / timing.minimumMs, 3);
  const job = `${limit.windows} x ${limit.points} calls, ${limit.points} per ${limit.windowSeconds} s`;
  const row: BenchRow = {
    benchmark: NAME,
    case: `${job}: ${variant.label}`,
    figures: [
      { name: 'first to last call', value: seconds(timing.spanMs), unit: 's' },
      { name: 'minimum', value: seconds(timing.minimumMs), unit: 's' },
      { name: 'ratio', value: ratio, unit: '' },
      { name: '429s', value: timing.refused, unit: '' },
      { name: 'calls', value: timing.calls, unit: '' },
      { name: 'windows', value: timing.windows, unit: '' },
      { name: 'gap', value: round(timing.gapMs, 1), unit: 'ms' },
      { name: 'process wall', value: seconds(measurement.wallMs), unit: 's' },
    ],
    goal: variant.goal ? goal('first-to-last / minimum', '<=', GOAL_RATIO, ratio) : undefined,
    note: `${variant.note}; minimum = the run's calls at its own pace, each window opened the moment the last full one expired (~(k - 1) x W + (N - 1) x gap)`,
  };
  if (!variant.goal) return [row];
  return [row, { benchmark: NAME, case: `${job}: ${variant.label}, 429s`, figures: [{ name: '429s', value: timing.refused, unit: '' }], goal: goal('429 responses', '<=', GOAL_429S, timing.refused) }];
}

export const benchmark: Benchmark = async ({ smoke }) => {
  const limit: Limit = smoke ? { points: 10, windowSeconds: 1, windows: 3, actors: 3 } : { points: 50, windowSeconds: 3, windows: 5, actors: 5 };
  const callsPerActor = (limit.points * limit.windows) / limit.actors;
  if (!Number.isInteger(callsPerActor)) throw new Error(`${NAME}: ${limit.points * limit.windows} calls do not split over ${limit.actors} actors`);
  const dataset = generateDataset({ seed: SEED, actors: limit.actors, postsPerActor: postsForCalls(callsPerActor) });
  const s3 = await startS3({ buckets: [BUCKET] });
  try {
    const rows: BenchRow[] = [];
    for (const [index, variant] of VARIANTS.entries()) {
      const { timing, measurement } = await runVariant(index, variant, limit, dataset, s3);
      rows.push(...variantRows(variant, limit, timing, measurement));
    }
    return rows;
  } finally {
    await s3.close();
  }
};
