import { AtpAgent, XRPCError } from '@atproto/api';
import type { AppBskyFeedDefs } from '@atproto/api';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import type { AppViewFaults } from './faults.js';
import { startAppView } from './server.js';
import type { AppView } from './server.js';

const dataset = generateDataset({ seed: 5, postsPerActor: [250, 0, 1, 30] });
const big = dataset.actors[0]!;
const replier = dataset.actors[3]!;

const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: { faults?: AppViewFaults; rateLimit?: { points: number; durationMs: number }; data?: Dataset } = {}) {
  const { data = dataset, ...rest } = options;
  const server = await startAppView({ dataset: data, ...rest });
  servers.push(server);
  return { server, agent: new AtpAgent({ service: server.url }) };
}

async function readAll(agent: AtpAgent, actor: string, limit: number, filter?: string) {
  const pages: AppBskyFeedDefs.FeedViewPost[][] = [];
  const cursors: (string | undefined)[] = [];
  let cursor: string | undefined;
  for (;;) {
    const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor, limit, cursor, ...(filter ? { filter } : {}) });
    pages.push(data.feed);
    cursors.push(data.cursor);
    if (data.cursor === undefined || data.feed.length === 0) break;
    cursor = data.cursor;
  }
  return { pages, cursors };
}

async function xrpcErrorOf(promise: Promise<unknown>): Promise<XRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XRPCError);
  return error as XRPCError;
}

describe('startAppView', () => {
  it('pages like the real AppView: 100, 100, 50, then an empty page without cursor', async () => {
    const { server, agent } = await start();
    const { pages, cursors } = await readAll(agent, big.handle, 100);
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50, 0]);
    expect(cursors.slice(0, 3).every((cursor) => typeof cursor === 'string')).toBe(true);
    expect(cursors[3]).toBeUndefined();
    expect(pages.flat().map((item) => item.post.uri)).toEqual(big.posts.map((post) => post.uri));
    expect(pages.flat().map((item) => item.post.cid)).toEqual(big.posts.map((post) => post.cid));
    expect(server.requests).toBe(4);
  });

  it('serves lexicon-valid views with author, record and reply context', async () => {
    const { agent } = await start();
    const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor: replier.did, limit: 100 });
    expect(data.feed).toHaveLength(replier.posts.length);
    const first = data.feed[0]!;
    expect(first.post.author).toMatchObject({ did: replier.did, handle: replier.handle, displayName: replier.displayName });
    expect(first.post.record).toMatchObject({ $type: 'app.bsky.feed.post', text: replier.posts[0]!.record.text });
    const replies = data.feed.filter((item) => item.reply !== undefined);
    expect(replies.length).toBe(replier.posts.filter((post) => post.record.reply).length);
    for (const item of replies) {
      expect((item.reply?.parent as { uri?: string }).uri).toBe((item.post.record as { reply?: { parent: { uri: string } } }).reply?.parent.uri);
    }
  });

  it('refuses to serve a view that breaks the lexicons', async () => {
    const broken: Dataset = { seed: 0, actors: [{ ...replier, handle: 'Not A Handle' }] };
    const { agent } = await start({ data: broken });
    const error = await xrpcErrorOf(agent.app.bsky.feed.getAuthorFeed({ actor: replier.did }));
    expect(error.status).toBe(500);
  });

  it('accepts a handle or a DID and answers the same', async () => {
    const { agent } = await start();
    const byHandle = await agent.app.bsky.feed.getAuthorFeed({ actor: replier.handle, limit: 10 });
    const byDid = await agent.app.bsky.feed.getAuthorFeed({ actor: replier.did, limit: 10 });
    expect(byDid.data).toEqual(byHandle.data);
    expect(byHandle.data.feed).toHaveLength(10);
  });

  it('applies the filter', async () => {
    const { agent, server } = await start();
    const { pages } = await readAll(agent, big.did, 100, 'posts_no_replies');
    const expected = big.posts.filter((post) => post.record.reply === undefined);
    expect(expected.length).toBeLessThan(big.posts.length);
    expect(pages.flat().map((item) => item.post.uri)).toEqual(expected.map((post) => post.uri));
    expect(server.requestLog[0]?.params).toMatchObject({ actor: big.did, limit: '100', filter: 'posts_no_replies' });
  });

  it('answers an empty page without cursor for an actor with no posts', async () => {
    const { agent } = await start();
    const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor: dataset.actors[1]!.handle });
    expect(data).toEqual({ feed: [] });
  });

  it('answers 400 InvalidRequest "Profile not found" for an unknown actor', async () => {
    const { agent } = await start();
    const error = await xrpcErrorOf(agent.app.bsky.feed.getAuthorFeed({ actor: 'nobody.test' }));
    expect(error.status).toBe(400);
    expect(error.error).toBe('InvalidRequest');
    expect(error.message).toBe('Profile not found');
  });

  it('rejects a malformed cursor with 400', async () => {
    const { agent } = await start();
    const error = await xrpcErrorOf(agent.app.bsky.feed.getAuthorFeed({ actor: big.did, cursor: 'garbage' }));
    expect(error.status).toBe(400);
  });

  it('resolves handles and serves profiles', async () => {
    const { agent } = await start();
    const { data } = await agent.com.atproto.identity.resolveHandle({ handle: big.handle });
    expect(data.did).toBe(big.did);
    const profile = await agent.app.bsky.actor.getProfile({ actor: big.did });
    expect(profile.data).toMatchObject({ did: big.did, handle: big.handle, postsCount: 250 });
    expect((await xrpcErrorOf(agent.com.atproto.identity.resolveHandle({ handle: 'nobody.test' }))).status).toBe(400);
  });

  it('rate limits with a real 429 and ratelimit headers', async () => {
    const { agent } = await start({ rateLimit: { points: 2, durationMs: 60_000 } });
    const ok = await agent.app.bsky.feed.getAuthorFeed({ actor: big.did, limit: 1 });
    expect(ok.headers['ratelimit-limit']).toBe('2');
    await agent.app.bsky.feed.getAuthorFeed({ actor: big.did, limit: 1 });
    const error = await xrpcErrorOf(agent.app.bsky.feed.getAuthorFeed({ actor: big.did, limit: 1 }));
    expect(error.status).toBe(429);
    expect(error.error).toBe('RateLimitExceeded');
    expect(error.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-policy': '2;w=60' });
    expect(Number(error.headers?.['ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('injects faults for chosen calls and counts every call', async () => {
    const { agent, server } = await start({
      faults: ({ n }) =>
        n === 1
          ? { status: 429, error: 'RateLimitExceeded', message: 'slow down', headers: { 'ratelimit-remaining': '0' } }
          : n === 2
            ? { status: 502 }
            : n === 3
              ? { status: 502, error: 'UpstreamFailure', message: 'upstream down' }
              : undefined,
    });
    const call = () => agent.app.bsky.feed.getAuthorFeed({ actor: big.did, limit: 5 });
    const limited = await xrpcErrorOf(call());
    expect([limited.status, limited.error, limited.headers?.['ratelimit-remaining']]).toEqual([429, 'RateLimitExceeded', '0']);
    expect((await xrpcErrorOf(call())).status).toBe(502);
    const upstream = await xrpcErrorOf(call());
    expect([upstream.status, upstream.error]).toEqual([502, 'UpstreamFailure']);
    expect((await call()).data.feed).toHaveLength(5);
    expect(server.requests).toBe(4);
  });

  it('answers raw bodies whatever their headers claim, and cuts bodies off half-way', async () => {
    const { server } = await start({
      faults: ({ n }) =>
        n === 1
          ? { status: 502, rawBody: 'Bad Gateway' }
          : n === 2
            ? { status: 503, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } }
            : n === 3
              ? { body: { feed: [], cursor: 'c' }, truncate: true }
              : undefined,
    });
    const url = `${server.url}/xrpc/app.bsky.feed.getAuthorFeed?actor=${big.did}`;
    const lying = await fetch(url);
    expect([lying.status, lying.headers.get('content-type'), await lying.text()]).toEqual([502, 'application/json; charset=utf-8', 'Bad Gateway']);
    const html = await fetch(url);
    expect([html.status, html.headers.get('content-type')]).toEqual([503, 'text/html']);
    expect(await html.text()).toContain('502 Bad Gateway');
    const cut = await fetch(url);
    expect([cut.status, cut.headers.get('content-length')]).toEqual([200, String(JSON.stringify({ feed: [], cursor: 'c' }).length)]);
    await expect(cut.text()).rejects.toThrow(/terminated/);
    expect((await fetch(url)).status).toBe(200);
  });

  it('frees a delayed call as soon as the client aborts it', async () => {
    const { agent } = await start({ faults: () => ({ delayMs: 30_000 }) });
    const controller = new AbortController();
    const started = Date.now();
    const pending = agent.app.bsky.feed.getAuthorFeed({ actor: big.did }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000); // the server would answer after 30 s; a loaded machine gets a wide margin
  });
});
