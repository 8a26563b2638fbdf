import { join } from 'node:path';
import type { SourceInstance } from '@etl/core';
import type { AppView, AppViewFault } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { atprotoAuthorFeed } from '../author-feed-source.js';
import { atprotoFollowers, atprotoFollows } from '../follow-graph-sources.js';
import { atprotoListMembers } from '../list-members-source.js';
import { atprotoRepoRecords } from '../repo-records-source.js';
import { atprotoSearchPosts } from '../search-posts-source.js';
import { atprotoStarterPackMembers } from '../starter-pack-members-source.js';
import { actor, drive, errorOf, graph, runPipeline, startGraphFixture, tempDirectory, VIEWER } from '../test-support/graph-fixture.js';
import { AtprotoCallError } from './atproto-call-error.js';
import { isRetryableAtprotoError } from './atproto-errors.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

interface Case {
  readonly name: string;
  readonly method: string;
  readonly partition: string;
  readonly create: (server: AppView, sessionFile: string) => Promise<SourceInstance<unknown>>;
}

// Every source, named by the data method its first page calls; DID partitions, so that call comes first.
const cases: readonly Case[] = [
  { name: 'authorFeed', method: 'app.bsky.feed.getAuthorFeed', partition: actor(9).did, create: async (s) => atprotoAuthorFeed.definition.create({ service: s.url }) },
  { name: 'listMembers', method: 'app.bsky.graph.getList', partition: graph.lists![4]!.uri, create: async (s) => atprotoListMembers.definition.create({ service: s.url }) },
  { name: 'starterPackMembers', method: 'app.bsky.graph.getStarterPack', partition: graph.starterPacks![0]!.uri, create: async (s) => atprotoStarterPackMembers.definition.create({ service: s.url }) },
  { name: 'followers', method: 'app.bsky.graph.getFollowers', partition: actor(9).did, create: async (s) => atprotoFollowers.definition.create({ service: s.url }) },
  { name: 'follows', method: 'app.bsky.graph.getFollows', partition: actor(9).did, create: async (s) => atprotoFollows.definition.create({ service: s.url }) },
  {
    name: 'repoRecords',
    method: 'com.atproto.repo.listRecords',
    partition: actor(4).did,
    create: async (s) => atprotoRepoRecords.definition.create({ collection: 'app.bsky.feed.post', plcDirectory: s.url, service: s.url }),
  },
  {
    name: 'searchPosts',
    method: 'app.bsky.feed.searchPosts',
    partition: 'coffee',
    create: async (s, sessionFile) => atprotoSearchPosts.definition.create({ auth: { ...VIEWER, service: s.url, sessionFile } }),
  },
];

/** A fixture that answers the first call of `method` with `fault`, and a source of the case on it. */
async function setUp(testCase: Case, fault: AppViewFault) {
  let faulted = false;
  const server = await startGraphFixture({
    faults: ({ nsid }) => {
      if (nsid !== testCase.method || faulted) return undefined;
      faulted = true;
      return fault;
    },
  });
  const dir = await tempDirectory();
  const source = await testCase.create(server, join(dir.path, 'session.json'));
  cleanups.push(async () => {
    await source.close?.();
    await server.close();
    await dir.remove();
  });
  return { server, source };
}

describe.each(cases)('errors of $name', (testCase) => {
  it.each<[string, AppViewFault, string, boolean]>([
    ['a bare 502 from a proxy', { status: 502 }, 'ATPROTO_UNAVAILABLE', true],
    ['502 UpstreamFailure', { status: 502, error: 'UpstreamFailure', message: 'upstream down' }, 'ATPROTO_UNAVAILABLE', true],
    ['a connection reset', { reset: true }, 'ATPROTO_NETWORK', true],
    ['a lexicon-invalid response', { body: { nonsense: true } }, 'ATPROTO_INVALID_RESPONSE', false],
    ['429 RateLimitExceeded', { status: 429, error: 'RateLimitExceeded', headers: { 'ratelimit-remaining': '0', 'retry-after': '30' } }, 'ATPROTO_RATE_LIMITED', true],
    ['400 InvalidRequest', { status: 400, error: 'InvalidRequest', message: 'Bad cursor' }, 'ATPROTO_INVALID_REQUEST', false],
    ['501 MethodNotImplemented', { status: 501, error: 'MethodNotImplemented' }, 'ATPROTO_NOT_SUPPORTED', false],
    // Proxies and gateways that rewrite the status or the body but keep the upstream's JSON content-type.
    ['a 502 whose "JSON" body is Bad Gateway', { status: 502, rawBody: 'Bad Gateway' }, 'ATPROTO_UNAVAILABLE', true],
    ['a 500 whose JSON body is cut short', { status: 500, rawBody: '{"error":"InternalServerError","mess' }, 'ATPROTO_UNAVAILABLE', true],
    ['an HTML 502 page', { status: 502, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } }, 'ATPROTO_UNAVAILABLE', true],
    ['a 200 cut off mid-way', { rawBody: '{"feed":[],"followers":[],"records":[],"posts":[],"cursor":"c"}', truncate: true }, 'ATPROTO_NETWORK', true],
    ['a 200 whose "JSON" body is not JSON', { rawBody: 'OK' }, 'ATPROTO_INVALID_RESPONSE', false],
    ['a 403 whose "JSON" body is not JSON', { status: 403, rawBody: 'Forbidden by the proxy' }, 'ATPROTO_FORBIDDEN', false],
    ['a 400 whose "JSON" body is an HTML page', { status: 400, rawBody: '<html>400 Bad Request</html>' }, 'ATPROTO_INVALID_REQUEST', false],
    ['a 429 whose "JSON" body is not JSON', { status: 429, rawBody: 'Too Many Requests' }, 'ATPROTO_RATE_LIMITED', true],
  ])('classifies %s', async (_name, fault, code, retryable) => {
    const { source } = await setUp(testCase, fault);
    const error = await errorOf(drive(source, testCase.partition));
    expect(error).toBeInstanceOf(AtprotoCallError);
    expect(error).toMatchObject({ code, method: testCase.method, retryable });
    expect(source.isRetryable?.(error)).toBe(retryable);
    expect((error as Error).message).toContain(testCase.method);
    expect((error as Error).message).not.toContain('\n');
    if ((error as AtprotoCallError).status !== undefined) expect((error as Error).message).toContain(`answered ${(error as AtprotoCallError).status}`);
  });
});

describe('error messages', () => {
  it('say when a 429 window resets, and the retry delay follows it under retryAt429: reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    const server = await startGraphFixture({ faults: ({ n }) => (n === 1 ? { status: 429, error: 'RateLimitExceeded', headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) } } : undefined) });
    cleanups.push(() => server.close());
    const source = await atprotoFollowers.definition.create({ service: server.url, retryAt429: 'reset' });
    const error = (await errorOf(drive(source, actor(9).did))) as AtprotoCallError;
    // The header is rounded down to whole seconds, so the window is sure to be open one second later.
    expect(error.retryAt?.getTime()).toBe((reset + 1) * 1000);
    expect(error.message).toContain(`resets at ${new Date((reset + 1) * 1000).toISOString()}`);
    const delay = source.retryDelayMs?.(error, 150_000) ?? 0;
    expect(delay).toBeGreaterThan(118_000);
    expect(delay).toBeLessThanOrEqual(121_000);
    const policy = await atprotoFollowers.definition.create({ service: server.url });
    expect(policy.retryDelayMs?.(error, 150_000)).toBe(150_000);
  });

  it('name the timeout and retry it', async () => {
    const server = await startGraphFixture({ faults: () => ({ delayMs: 5_000 }) });
    cleanups.push(() => server.close());
    const source = await atprotoListMembers.definition.create({ service: server.url, timeoutMs: 100 });
    const error = await errorOf(drive(source, graph.lists![1]!.uri));
    expect(error).toMatchObject({ code: 'ATPROTO_TIMEOUT', retryable: true });
    expect((error as Error).message).toContain('within timeoutMs (100 ms)');
  });

  it('keep raw errors classifiable for plugin authors', () => {
    expect(isRetryableAtprotoError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isRetryableAtprotoError(new RangeError('a bug'))).toBe(false);
    expect(isRetryableAtprotoError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(true);
  });
});

describe('retries in a run', () => {
  it('retries a 502 and a reset under the pipeline policy and completes the partition', async () => {
    const server = await startGraphFixture({
      faults: ({ nsid, n }) => (nsid === 'app.bsky.graph.getFollows' && n <= 3 ? (n === 2 ? { status: 502 } : { reset: true }) : undefined),
    });
    cleanups.push(() => server.close());
    const { summary, events } = await runPipeline({ follows: { source: atprotoFollows({ service: server.url, limit: 100 }), partitions: [actor(9).handle] } });
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 10, retries: 2 });
    expect(events.filter((e) => e.type === 'retry-scheduled').map((e) => (e as { error: { code?: string } }).error.code)).toEqual(['ATPROTO_UNAVAILABLE', 'ATPROTO_NETWORK']);
  });

  it('fails a malformed response at once, without retrying', async () => {
    const server = await startGraphFixture({ faults: ({ nsid }) => (nsid === 'app.bsky.graph.getList' ? { body: { items: 'not a list' } } : undefined) });
    cleanups.push(() => server.close());
    const { summary } = await runPipeline({ lists: { source: atprotoListMembers({ service: server.url }), partitions: [graph.lists![2]!.uri] } });
    expect(summary.tasks[0]).toMatchObject({ status: 'failed', retries: 0, error: { code: 'ATPROTO_INVALID_RESPONSE' } });
    expect(summary.tasks[0]?.error?.message).toMatch(/breaks the app.bsky.graph.getList lexicon/);
    expect(server.count('app.bsky.graph.getList')).toBe(1);
  });
});
