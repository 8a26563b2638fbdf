// Transient faults in front of the real AT Protocol reference AppView (@atproto/dev-env) change nothing:
// behind a loopback proxy that answers some getAuthorFeed calls with a non-JSON 502 under a JSON
// content-type, an HTML 503 page, a 200 cut off mid-body, a slow body and a body that stalls past
// timeoutMs, a run commits per account exactly the FeedViewPosts the AppView serves directly, and retries
// exactly the faults that failed a call. Node 20 only, like reference-network.test.ts (see .ci/run).
import { AtpAgent } from '@atproto/api';
import { runPipelines, validateConfig } from '@etl/core/host';
import type { RunEvent } from '@etl/core';
import type { SeededActor } from '@etl/atproto-testnet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atprotoAuthorFeed } from './index.js';
import type { FeedViewPost } from './index.js';
import { PROXY_FAULTS, startFaultProxy } from './test-support/fault-proxy.js';
import type { FaultProxy, ProxiedRequest, ProxyFault } from './test-support/fault-proxy.js';
import { referenceMemorySink, startReferenceNetwork } from './test-support/reference-network.js';
import type { ReferenceNetwork } from './test-support/reference-network.js';

const LIMIT = 25;
// Wide enough that a good answer of the in-process AppView never times out on a loaded 2-core machine
// (the retry count is asserted exactly), yet the stall below still does.
const TIMEOUT_MS = 4_000;
/** A slow body: its second half 250 ms after the first, well within timeoutMs. */
const SLOW_MS = 250;
/** A stalled body: its second half would come after timeoutMs, so the call times out and is retried. */
const STALL_MS = 5_000;
/** The faults that fail a call (a slow body is only slow). */
const FAILING: readonly ProxyFault[] = ['bad-gateway-json', 'html-503', 'truncated', 'stall'];

let reference: ReferenceNetwork | undefined;
let proxy: FaultProxy | undefined;

/**
 * Every 3rd getAuthorFeed call (by a counter) is due a fault, which goes to the first call from then on
 * whose page (actor + cursor) has had none: a page fails at most once, so its retry gets the real answer and
 * 6 attempts always suffice. The kinds take turns in PROXY_FAULTS order. Off until `armed`.
 */
function faultSchedule() {
  let armed = false;
  let calls = 0;
  let due = false;
  let turn = 0;
  const faulted = new Set<string>();
  return {
    arm: () => {
      armed = true;
    },
    choose: ({ nsid, params }: ProxiedRequest): ProxyFault | undefined => {
      if (!armed || nsid !== 'app.bsky.feed.getAuthorFeed') return undefined;
      if (++calls % 3 === 0) due = true;
      const page = `${params.get('actor')} ${params.get('cursor') ?? ''}`;
      if (!due || faulted.has(page)) return undefined;
      due = false;
      faulted.add(page);
      return PROXY_FAULTS[turn++ % PROXY_FAULTS.length];
    },
  };
}
const schedule = faultSchedule();

beforeAll(async () => {
  // No crowd: the feeds (100, 101 and 250 items) are the same without it, and seeding is quicker.
  reference = await startReferenceNetwork({ crowd: 0 });
  proxy = await startFaultProxy({ upstream: reference.data.appviewUrl, choose: schedule.choose, slowMs: SLOW_MS, stallMs: STALL_MS });
}, 180_000);

afterAll(async () => {
  try {
    await proxy?.close();
  } finally {
    await reference?.close();
  }
}, 60_000);

/** The actor's whole feed as the AppView serves it directly, paged at LIMIT with the source's defaults. */
async function servedFeed(actor: SeededActor): Promise<FeedViewPost[]> {
  const appview = new AtpAgent({ service: reference!.data.appviewUrl });
  const feed: FeedViewPost[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const { data } = await appview.app.bsky.feed.getAuthorFeed({ actor: actor.did, limit: LIMIT, cursor, filter: 'posts_with_replies', includePins: false });
    feed.push(...data.feed);
    cursor = data.feed.length > 0 ? data.cursor : undefined;
    if (cursor === undefined) return feed;
  }
  throw new Error(`getAuthorFeed of ${actor.handle} did not end within 100 pages`);
}

describe('atprotoAuthorFeed behind a faulty proxy in front of the reference AppView', () => {
  it('commits per account exactly what the AppView serves, and retries exactly the faults that failed a call', async () => {
    const { data } = reference!;
    const actors = [data.actors.hundred, data.actors.hundredOne, data.actors.big];
    const served = new Map<string, FeedViewPost[]>();
    for (const actor of actors) served.set(actor.did, await servedFeed(actor));
    // What the AppView serves is what was seeded (so the comparison below is not of two empty lists).
    for (const actor of actors) expect(served.get(actor.did)!.map((item) => item.post.uri)).toEqual(actor.feed.map((item) => item.uri));

    const records = new Map<string, unknown[]>();
    const retries: Array<{ partition: string; code: string | undefined; status: number | undefined }> = [];
    const onEvent = (event: RunEvent) => {
      if (event.type === 'retry-scheduled') retries.push({ partition: event.partition, code: event.error.code, status: event.error.status });
    };
    const config = validateConfig(
      {
        concurrency: { limit: 3 },
        pipelines: {
          feeds: {
            source: atprotoAuthorFeed({ service: proxy!.url, limit: LIMIT, timeoutMs: TIMEOUT_MS }),
            partitions: actors.map((actor) => actor.did),
            sink: referenceMemorySink(records),
            policy: { retry: { attempts: 6, backoff: { constant: '20ms' } } },
          },
        },
      },
      'reference-faults.test.ts',
    );
    schedule.arm();
    const summary = await runPipelines(config, { onEvent, state: false });

    const failures = summary.tasks.filter((task) => task.status !== 'succeeded').map((task) => `${task.partition}: ${task.status} ${task.error?.message ?? ''}`);
    expect(failures).toEqual([]);
    expect(summary.status).toBe('succeeded');

    // Every kind of fault was injected, each at least once.
    const injected = Object.fromEntries(PROXY_FAULTS.map((kind) => [kind, proxy!.injected.get(kind) ?? 0]));
    expect(PROXY_FAULTS.filter((kind) => injected[kind] === 0)).toEqual([]);

    // One retry per failing fault, no more (no good answer timed out) and no fewer; each as what it was.
    const failed = FAILING.reduce((sum, kind) => sum + injected[kind]!, 0);
    expect(summary.tasks.reduce((sum, task) => sum + task.retries, 0)).toBe(failed);
    expect(retries).toHaveLength(failed);
    const byCode = (code: string) => retries.filter((retry) => retry.code === code).length;
    expect({
      unavailable: byCode('ATPROTO_UNAVAILABLE'),
      timeout: byCode('ATPROTO_TIMEOUT'),
      network: byCode('ATPROTO_NETWORK'),
    }).toEqual({
      unavailable: injected['bad-gateway-json']! + injected['html-503']!,
      timeout: injected['stall']!,
      network: injected['truncated']!,
    });
    expect(retries.filter((retry) => retry.status === 502)).toHaveLength(injected['bad-gateway-json']!);
    expect(retries.filter((retry) => retry.status === 503)).toHaveLength(injected['html-503']!);

    // Exactly what the AppView serves: the same FeedViewPosts in the same order, none missing, none twice.
    for (const actor of actors) {
      const got = (records.get(`feeds/${actor.did}`) ?? []) as FeedViewPost[];
      const want = served.get(actor.did)!;
      expect({ actor: actor.handle, uris: got.map((item) => item.post.uri) }).toEqual({ actor: actor.handle, uris: want.map((item) => item.post.uri) });
      expect(new Set(got.map((item) => `${item.post.uri} ${item.reason ? 'repost' : ''}`)).size).toBe(got.length);
      expect(got).toEqual(want);
    }
    expect(summary.tasks.reduce((sum, task) => sum + task.records, 0)).toBe(100 + 101 + 250);
    console.info(`reference-faults: ${proxy!.requests.length} proxied requests, injected ${JSON.stringify(injected)}, ${retries.length} retries`);
  });
});
