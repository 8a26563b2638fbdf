import { AtpAgent, XRPCError } from '@atproto/api';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from './dataset.js';
import { sampleDataset } from './sample.js';
import { startAppView } from './server.js';
import type { AppView, StartAppViewOptions } from './server.js';

// 0 follows 1..6; 1 and 2 follow 0; 3 blocks 0; 4 is deactivated, 5 taken down (both follow 0 too).
const dataset = generateDataset({
  seed: 9,
  postsPerActor: [3, 2, 1, 0, 2, 1, 4],
  follows: [[1, 2, 3, 4, 5, 6], [0], [0, 1], [], [0], [0], []],
  lists: [
    { owner: 0, members: [1, 2, 3, 6] },
    { owner: 1, members: [], name: 'Empty' },
  ],
  starterPacks: [{ owner: 0, list: 0, name: 'Pack' }],
  blocks: [[3, 0]],
  accountStatus: { 4: 'deactivated', 5: 'takendown' },
});
const actor = (i: number) => dataset.actors[i]!;

const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function start(options: Partial<StartAppViewOptions> = {}) {
  const server = await startAppView({ dataset, appPasswords: { [actor(0).handle]: 'pw-0' }, ...options });
  servers.push(server);
  return { server, agent: new AtpAgent({ service: server.url }) };
}

async function errorOf(promise: Promise<unknown>): Promise<XRPCError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(XRPCError);
  return error as XRPCError;
}

describe('graph dataset', () => {
  it('leaves the posts of a seed unchanged when a graph is added', () => {
    const plain = generateDataset({ seed: 9, postsPerActor: [3, 2, 1, 0, 2, 1, 4] });
    expect(JSON.stringify(dataset.actors.map(({ status: _status, ...rest }) => rest))).toBe(JSON.stringify(plain.actors));
  });

  it('is deterministic and dates graph records newest first', () => {
    const again = generateDataset({ seed: 9, postsPerActor: [3, 2, 1, 0, 2, 1, 4], follows: [[1, 2, 3, 4, 5, 6], [0], [0, 1], [], [0], [0], []], lists: [{ owner: 0, members: [1, 2, 3, 6] }, { owner: 1, members: [], name: 'Empty' }], starterPacks: [{ owner: 0, list: 0, name: 'Pack' }], blocks: [[3, 0]], accountStatus: { 4: 'deactivated', 5: 'takendown' } });
    expect(JSON.stringify(again)).toBe(JSON.stringify(dataset));
    const times = dataset.follows!.map((follow) => follow.createdMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(dataset.lists![0]!.items.map((item) => item.value.subject)).toEqual([6, 3, 2, 1].map((i) => actor(i).did));
  });

  it('refuses graph specs that name missing actors or lists', () => {
    expect(() => generateDataset({ seed: 1, postsPerActor: [0, 0], follows: [[5]] })).toThrow(RangeError);
    expect(() => generateDataset({ seed: 1, postsPerActor: [0, 0], follows: [[0]] })).toThrow(/itself/);
    expect(() => generateDataset({ seed: 1, postsPerActor: [0, 0], starterPacks: [{ owner: 0, list: 0 }] })).toThrow(RangeError);
  });

  it('gives the sample dataset a starter pack of all its accounts', () => {
    const sample = sampleDataset();
    const pack = sample.starterPacks![0]!;
    const list = sample.lists!.find((l) => l.uri === pack.value.list)!;
    expect(new Set(list.items.map((item) => item.value.subject))).toEqual(new Set(sample.actors.map((a) => a.did)));
    expect(sample.actors.reduce((sum, a) => sum + a.posts.length, 0)).toBe(565);
  });
});

describe('graph methods', () => {
  it('pages getList newest first with a cursor until an empty page, items as ListItemViews', async () => {
    const { agent } = await start();
    const list = dataset.lists![0]!;
    const first = await agent.app.bsky.graph.getList({ list: list.uri, limit: 3 });
    expect(first.data.list).toMatchObject({ uri: list.uri, name: list.value.name, listItemCount: 4, creator: { did: actor(0).did } });
    expect(first.data.items.map((item) => item.subject.did)).toEqual([6, 3, 2].map((i) => actor(i).did));
    const second = await agent.app.bsky.graph.getList({ list: list.uri, limit: 3, cursor: first.data.cursor });
    expect(second.data.items.map((item) => item.uri)).toEqual([list.items[3]!.uri]);
    const third = await agent.app.bsky.graph.getList({ list: list.uri, limit: 3, cursor: second.data.cursor });
    expect(third.data).toMatchObject({ items: [] });
    expect(third.data.cursor).toBeUndefined();
    const empty = await agent.app.bsky.graph.getList({ list: dataset.lists![1]!.uri });
    expect(empty.data.items).toEqual([]);
    expect(empty.data.cursor).toBeUndefined();
    expect((await errorOf(agent.app.bsky.graph.getList({ list: `at://${actor(0).did}/app.bsky.graph.list/3zzzzzzzzzzzz` }))).message).toBe('List not found');
  });

  it('serves a starter pack pointing at its list', async () => {
    const { agent } = await start();
    const pack = dataset.starterPacks![0]!;
    const { data } = await agent.app.bsky.graph.getStarterPack({ starterPack: pack.uri });
    expect(data.starterPack).toMatchObject({ uri: pack.uri, record: { list: dataset.lists![0]!.uri }, list: { uri: dataset.lists![0]!.uri } });
    expect(data.starterPack.listItemsSample).toHaveLength(4);
  });

  it('serves followers and follows, hiding inactive accounts, and refuses inactive subjects', async () => {
    const { agent } = await start();
    const followers = await agent.app.bsky.graph.getFollowers({ actor: actor(0).handle, limit: 10 });
    expect(new Set(followers.data.followers.map((p) => p.did))).toEqual(new Set([1, 2].map((i) => actor(i).did)));
    expect(followers.data.subject.did).toBe(actor(0).did);
    const follows = await agent.app.bsky.graph.getFollows({ actor: actor(0).did, limit: 2 });
    expect(follows.data.follows).toHaveLength(2);
    expect(typeof follows.data.cursor).toBe('string');
    const deactivated = await errorOf(agent.app.bsky.graph.getFollowers({ actor: actor(4).did }));
    expect([deactivated.status, deactivated.error]).toEqual([400, 'AccountDeactivated']);
    expect((await errorOf(agent.app.bsky.graph.getFollows({ actor: actor(5).did }))).error).toBe('AccountTakedown');
    expect((await errorOf(agent.app.bsky.graph.getFollows({ actor: 'nobody.test' }))).message).toBe('Profile not found');
  });

  it('answers BlockedActor / BlockedByActor on the author feed of a blocking pair, for the viewer', async () => {
    const { agent } = await start({ appPasswords: { [actor(0).handle]: 'pw-0', [actor(3).handle]: 'pw-3' } });
    await agent.login({ identifier: actor(0).handle, password: 'pw-0' });
    expect((await errorOf(agent.app.bsky.feed.getAuthorFeed({ actor: actor(3).did }))).error).toBe('BlockedByActor');
    const blocker = new AtpAgent({ service: agent.serviceUrl });
    await blocker.login({ identifier: actor(3).did, password: 'pw-3' });
    expect((await errorOf(blocker.app.bsky.feed.getAuthorFeed({ actor: actor(0).did }))).error).toBe('BlockedActor');
    // Anonymous callers see the feed.
    expect((await new AtpAgent({ service: agent.serviceUrl }).app.bsky.feed.getAuthorFeed({ actor: actor(0).did })).data.feed).toHaveLength(3);
  });

  it('requires a session for searchPosts and pages it by offset with hitsTotal', async () => {
    const { agent, server } = await start();
    const unauthenticated = await errorOf(agent.app.bsky.feed.searchPosts({ q: 'a' }));
    expect([unauthenticated.status, unauthenticated.error]).toEqual([401, 'AuthenticationRequired']);
    await agent.login({ identifier: actor(0).handle, password: 'pw-0' });
    const word = dataset.actors[0]!.posts[0]!.record.text.split(' ')[0]!;
    const all = dataset.actors.filter((a) => a.status === undefined).flatMap((a) => a.posts).filter((p) => p.record.text.toLowerCase().includes(word));
    const first = await agent.app.bsky.feed.searchPosts({ q: word, limit: 1 });
    expect(first.data.hitsTotal).toBe(all.length);
    expect(first.data.posts).toHaveLength(1);
    expect(first.data.cursor === undefined).toBe(all.length <= 1);
    expect(server.requestLog.at(-1)?.authenticated).toBe(true);
  });
});
