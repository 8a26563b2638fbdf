import { isAbortError } from '@etl/core';
import type { AppView, AppViewFault } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { atprotoAuthorFeed } from './author-feed-source.js';
import type { FeedViewPost } from './author-feed-source.js';
import { createSource, dataset, errorOf, readPartition, startFixture } from './test-support/feed-fixture.js';
import { actor as graphActor, runPipeline, startGraphFixture } from './test-support/graph-fixture.js';

const big = dataset.actors[0]!;
const empty = dataset.actors[1]!;
const single = dataset.actors[2]!;

const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function fixture(...args: Parameters<typeof startFixture>): Promise<AppView> {
  const server = await startFixture(...args);
  servers.push(server);
  return server;
}

describe('atprotoAuthorFeed', () => {
  it('is declared with its name and a closed options schema', () => {
    expect(atprotoAuthorFeed.definition.name).toBe('atproto.authorFeed');
    expect(atprotoAuthorFeed.definition.options.additionalProperties).toBe(false);
    expect(atprotoAuthorFeed({ limit: 10 }).options).toEqual({ limit: 10 });
  });

  it('pages a 250-post actor to exactly the served posts, by handle and by DID', async () => {
    const server = await fixture();
    const source = await createSource({ service: server.url });
    for (const partition of [big.handle, big.did]) {
      const { pages, records } = await readPartition(source, partition);
      expect(pages).toEqual([100, 100, 50, 0]);
      expect(records.map((record) => record.post.uri)).toEqual(big.posts.map((post) => post.uri));
    }
    expect(server.requests).toBe(8);
  });

  it('reads an empty actor in one call and a one-post actor in two', async () => {
    const server = await fixture();
    const source = await createSource({ service: server.url });
    expect((await readPartition(source, empty.handle)).pages).toEqual([0]);
    expect((await readPartition(source, single.did)).pages).toEqual([1, 0]);
    expect(server.requests).toBe(3);
  });

  it('applies defaults: limit 100, posts_with_replies, no pins', async () => {
    const server = await fixture();
    const source = await createSource({ service: server.url });
    await source.fetchPage({ pipeline: 't', partition: big.did, resolved: undefined, cursor: undefined, signal: new AbortController().signal, report: () => undefined });
    expect(server.requestLog[0]).toMatchObject({
      nsid: 'app.bsky.feed.getAuthorFeed',
      params: { actor: big.did, limit: '100', filter: 'posts_with_replies', includePins: 'false' },
    });
  });

  it('sends limit, filter, includePins and the cursor', async () => {
    const server = await fixture();
    const source = await createSource({ service: server.url, limit: 7, filter: 'posts_no_replies', includePins: true });
    const signal = new AbortController().signal;
    const first = await source.fetchPage({ pipeline: 't', partition: big.handle, resolved: undefined, cursor: undefined, signal, report: () => undefined });
    const second = await source.fetchPage({ pipeline: 't', partition: big.handle, resolved: undefined, cursor: first.cursor, signal, report: () => undefined });
    const expected = big.posts.filter((post) => post.record.reply === undefined).slice(0, 14);
    expect([...first.records, ...second.records].map((record) => record.post.uri)).toEqual(expected.map((post) => post.uri));
    expect(server.requestLog[1]?.params).toEqual({
      actor: big.handle,
      limit: '7',
      filter: 'posts_no_replies',
      includePins: 'true',
      cursor: first.cursor,
    });
  });

  it('retries every 5xx whatever its body claims, and a body cut off mid-way, until the run commits exactly the served feed', async () => {
    // Among good answers: what proxies and gateways send when they rewrite the status or the body of a call.
    const faults: AppViewFault[] = [
      { status: 502, rawBody: 'Bad Gateway' },
      { status: 502, rawBody: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } },
      { body: { feed: [], cursor: 'never-seen' }, truncate: true },
      { status: 503, rawBody: '{"error":"NotEnoughRes' },
      { status: 504, rawBody: 'upstream request timeout', headers: { 'content-type': 'text/plain' } },
    ];
    let feedCalls = 0;
    const server = await fixture(({ nsid }) => {
      if (nsid !== 'app.bsky.feed.getAuthorFeed') return undefined;
      feedCalls += 1;
      // Calls 1, 3, 5, 7, 9 fault; the others are answered.
      return feedCalls % 2 === 1 ? faults[(feedCalls - 1) / 2] : undefined;
    });
    const { summary, events, committed } = await runPipeline(
      { feed: { source: atprotoAuthorFeed({ service: server.url, limit: 50 }), partitions: [big.did] } },
      { retry: { attempts: 5, backoff: { constant: '10ms' } } },
    );
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: big.posts.length, retries: faults.length });
    expect(events.filter((e) => e.type === 'retry-scheduled').map((e) => (e as { error: { code?: string } }).error.code)).toEqual([
      'ATPROTO_UNAVAILABLE',
      'ATPROTO_UNAVAILABLE',
      'ATPROTO_NETWORK',
      'ATPROTO_UNAVAILABLE',
      'ATPROTO_UNAVAILABLE',
    ]);
    const records = committed.get(`feed/${big.did}`) as FeedViewPost[];
    expect(records.map((record) => record.post.uri)).toEqual(big.posts.map((post) => post.uri));
  });

  it('aborts an in-flight request promptly, as an abort', async () => {
    const server = await fixture(() => ({ delayMs: 20_000 }));
    const source = await createSource({ service: server.url });
    const controller = new AbortController();
    const started = Date.now();
    const pending = source.fetchPage({ pipeline: 't', partition: big.did, resolved: undefined, cursor: undefined, signal: controller.signal, report: () => undefined });
    setTimeout(() => controller.abort(), 100);
    const error = await errorOf(pending);
    expect(Date.now() - started).toBeLessThan(10_000); // the server would answer after 20 s; a loaded machine gets a wide margin
    expect(isAbortError(error)).toBe(true);
    expect(source.isRetryable?.(error)).toBe(false);
  });

  it('times a slow request out after timeoutMs, as a retryable error', async () => {
    const server = await fixture(() => ({ delayMs: 20_000 }));
    const source = await createSource({ service: server.url, timeoutMs: 200 });
    const started = Date.now();
    const error = await errorOf(
      source.fetchPage({ pipeline: 't', partition: big.did, resolved: undefined, cursor: undefined, signal: new AbortController().signal, report: () => undefined }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(10_000); // the server would answer after 20 s; a loaded machine gets a wide margin
    expect(isAbortError(error)).toBe(false);
    expect(source.isRetryable?.(error)).toBe(true);
  });
});

describe('atprotoAuthorFeed in a run', () => {
  it('resolves each handle once per run, reports it, pages with the DID, and skips missing actors when told to', async () => {
    const server = await startGraphFixture();
    servers.push(server);
    const source = atprotoAuthorFeed({ service: server.url, limit: 3, onMissingActor: 'skip' });
    const partitions = [graphActor(4).handle, graphActor(4).did, 'nobody.test', graphActor(14).handle, graphActor(15).did];
    const { summary, events } = await runPipeline({ a: { source, partitions }, b: { source, partitions: [graphActor(4).handle] } });
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => [t.status, t.records])).toEqual([
      ['succeeded', 10],
      ['succeeded', 10],
      ['skipped', 0],
      ['skipped', 0],
      ['skipped', 0],
      ['succeeded', 10],
    ]);
    expect(summary.tasks.map((t) => t.resolved)).toEqual([graphActor(4).did, undefined, undefined, graphActor(14).did, undefined, graphActor(4).did]);
    expect(events.filter((e) => e.type === 'partition-resolved')).toHaveLength(3);
    // The same handle in two pipelines sharing the source value: one resolveHandle (plus one for the unknown handle, and one for 14).
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(3);
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.feed.getAuthorFeed').every((r) => String(r.params['actor']).startsWith('did:'))).toBe(true);
    expect(summary.tasks[3]?.error?.message).toMatch(/is deactivated/);
    expect(summary.tasks[4]?.error?.message).toMatch(/is suspended/);
  });

  it('fails a missing actor by default, only that task, with what to do', async () => {
    const server = await startGraphFixture();
    servers.push(server);
    const { summary } = await runPipeline({ a: { source: atprotoAuthorFeed({ service: server.url }), partitions: ['nobody.test', graphActor(1).handle] } });
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((t) => t.status)).toEqual(['failed', 'succeeded']);
    expect(summary.tasks[0]).toMatchObject({ retries: 0, error: { code: 'ATPROTO_NOT_FOUND', status: 400 } });
    expect(summary.tasks[0]?.error?.message).toBe(
      `actor nobody.test was not found (no such handle or DID, or it no longer resolves) (com.atproto.identity.resolveHandle on ${server.url} answered 400 InvalidRequest: Unable to resolve handle); set onMissingActor: 'skip' to skip such actors instead of failing`,
    );
  });
});
