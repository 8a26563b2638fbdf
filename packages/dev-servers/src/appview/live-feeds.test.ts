import { AtpAgent } from '@atproto/api';
import type { AppBskyFeedDefs } from '@atproto/api';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from './dataset.js';
import { startAppView } from './server.js';
import type { AppView } from './server.js';

// The agent validates every response against the lexicons, so each call here also checks the views are valid.
const dataset = generateDataset({ seed: 31, postsPerActor: [30, 12, 0] });
const alice = dataset.actors[0]!;
const bob = dataset.actors[1]!;

const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start() {
  const server = await startAppView({ dataset });
  servers.push(server);
  return { server, agent: new AtpAgent({ service: server.url }) };
}

async function readAll(agent: AtpAgent, actor: string, params: { limit: number; includePins?: boolean; filter?: string }) {
  const pages: AppBskyFeedDefs.FeedViewPost[][] = [];
  let cursor: string | undefined;
  do {
    const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor, ...params, cursor });
    pages.push(data.feed);
    cursor = data.feed.length > 0 ? data.cursor : undefined;
  } while (cursor !== undefined);
  return pages;
}

const reasonType = (item: AppBskyFeedDefs.FeedViewPost) => (item.reason as { $type?: string } | undefined)?.$type;

describe('changes while the AppView runs', () => {
  it('adds posts on top of the author feed, newest first, and lists them in the repo', async () => {
    const { server, agent } = await start();
    const first = server.addPost(alice.handle, { text: 'first new post' });
    const second = server.addPost(alice.did);
    expect(Date.parse(first.record.createdAt)).toBeGreaterThan(Date.parse(alice.posts[0]!.indexedAt));
    expect(Date.parse(second.record.createdAt)).toBeGreaterThan(Date.parse(first.indexedAt));
    expect(Date.parse(first.indexedAt) - Date.parse(first.record.createdAt)).toBe(1_000);

    const pages = await readAll(agent, alice.did, { limit: 7 });
    expect(pages.flat().map((item) => item.post.uri)).toEqual([second.uri, first.uri, ...alice.posts.map((post) => post.uri)]);
    expect(pages[0]![1]!.post).toMatchObject({ uri: first.uri, cid: first.cid, indexedAt: first.indexedAt, record: { text: 'first new post' } });
    const { data } = await agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 2 });
    expect(data.records.map((record) => record.uri)).toEqual([second.uri, first.uri]);
  });

  it('honours explicit createdAt and indexedAt, placing the post by createdAt', async () => {
    const { server, agent } = await start();
    const between = new Date((Date.parse(alice.posts[2]!.record.createdAt) + Date.parse(alice.posts[3]!.record.createdAt)) / 2);
    const post = server.addPost(alice.did, { createdAt: between.toISOString(), indexedAt: '2030-01-01T00:00:00.000Z' });
    const feed = (await readAll(agent, alice.did, { limit: 100 })).flat();
    expect(feed.map((item) => item.post.uri).indexOf(post.uri)).toBe(3);
    expect(feed[3]!.post.indexedAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('puts a repost of an old post of someone else on top of the reposter\'s feed, with #reasonRepost', async () => {
    const { server, agent } = await start();
    const old = bob.posts.at(-1)!;
    const repost = server.repost(alice.handle, old.uri);
    expect(repost.uri).toMatch(new RegExp(`^at://${alice.did}/app\\.bsky\\.feed\\.repost/[2-7a-z]{13}$`));

    const feed = (await readAll(agent, alice.did, { limit: 10 })).flat();
    expect(feed).toHaveLength(alice.posts.length + 1);
    expect(feed[0]!.post).toMatchObject({ uri: old.uri, cid: old.cid, indexedAt: old.indexedAt, author: { did: bob.did } });
    expect(feed[0]!.reason).toEqual({
      $type: 'app.bsky.feed.defs#reasonRepost',
      by: { did: alice.did, handle: alice.handle, displayName: alice.displayName, createdAt: alice.createdAt },
      uri: repost.uri,
      cid: repost.cid,
      indexedAt: repost.indexedAt,
    });
    expect(Date.parse(repost.indexedAt)).toBeGreaterThan(Date.parse(old.indexedAt));
    // The reposted author's own feed is unchanged; reposts count as posts, but not as media.
    expect((await readAll(agent, bob.did, { limit: 100 })).flat().map((item) => item.post.uri)).toEqual(bob.posts.map((post) => post.uri));
    expect((await readAll(agent, alice.did, { limit: 100, filter: 'posts_no_replies' })).flat()[0]!.post.uri).toBe(old.uri);
    expect((await readAll(agent, alice.did, { limit: 100, filter: 'posts_with_media' })).flat()).toEqual([]);
  });

  it('orders reposts and posts by their own times', async () => {
    const { server, agent } = await start();
    const a = server.addPost(alice.did);
    const repost = server.repost(alice.did, bob.posts[3]!.uri);
    const b = server.addPost(alice.did);
    const feed = (await readAll(agent, alice.did, { limit: 2 })).flat();
    expect(feed.slice(0, 4).map((item) => [item.post.uri, reasonType(item)])).toEqual([
      [b.uri, undefined],
      [bob.posts[3]!.uri, 'app.bsky.feed.defs#reasonRepost'],
      [a.uri, undefined],
      [alice.posts[0]!.uri, undefined],
    ]);
    expect((feed[1]!.reason as { uri?: string }).uri).toBe(repost.uri);
  });

  it('serves a pinned old post first on the first page only, and again in its place further down', async () => {
    const { server, agent } = await start();
    const old = alice.posts[20]!;
    server.pin(alice.handle, old.uri);

    const pinned = await readAll(agent, alice.did, { limit: 10, includePins: true });
    expect(pinned[0]).toHaveLength(11);
    expect(pinned[0]![0]).toMatchObject({ post: { uri: old.uri }, reason: { $type: 'app.bsky.feed.defs#reasonPin' } });
    const rest = pinned.flat().slice(1);
    expect(rest.map((item) => item.post.uri)).toEqual(alice.posts.map((post) => post.uri));
    expect(rest.every((item) => item.reason === undefined)).toBe(true);

    // Without includePins nothing changes; the profile names the pin.
    expect((await readAll(agent, alice.did, { limit: 10 })).flat().map((item) => item.post.uri)).toEqual(alice.posts.map((post) => post.uri));
    expect((await agent.app.bsky.actor.getProfile({ actor: alice.did })).data.pinnedPost).toEqual({ uri: old.uri, cid: old.cid });

    server.pin(alice.did, undefined);
    expect((await readAll(agent, alice.did, { limit: 10, includePins: true }))[0]![0]!.reason).toBeUndefined();
  });

  it('drops the pinned post\'s own entry from the first page, so a new pinned post is served once', async () => {
    const { server, agent } = await start();
    const pinnedPost = server.addPost(alice.did);
    server.pin(alice.did, pinnedPost.uri);
    const newer = server.addPost(alice.did);
    const pages = await readAll(agent, alice.did, { limit: 5, includePins: true });
    expect(pages[0]!.map((item) => [item.post.uri, reasonType(item)])).toEqual([
      [pinnedPost.uri, 'app.bsky.feed.defs#reasonPin'],
      [newer.uri, undefined],
      ...alice.posts.slice(0, 3).map((post) => [post.uri, undefined]),
    ]);
    const uris = pages.flat().map((item) => item.post.uri);
    expect(uris.filter((uri) => uri === pinnedPost.uri)).toHaveLength(1);
    expect(uris).toHaveLength(alice.posts.length + 2);
  });

  it('refuses to pin someone else\'s post, and unknown actors or posts', async () => {
    const { server } = await start();
    expect(() => server.pin(alice.did, bob.posts[0]!.uri)).toThrow(/not a post of/);
    expect(() => server.addPost('nobody.test')).toThrow(/no actor/);
    expect(() => server.repost(alice.did, `at://${bob.did}/app.bsky.feed.post/3aaaaaaaaaaaa`)).toThrow(/no post/);
  });
});
