import { AtpAgent, XRPCError } from '@atproto/api';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from './dataset.js';
import { startAppView } from './server.js';
import type { AppView, StartAppViewOptions } from './server.js';

const dataset = generateDataset({
  seed: 21,
  postsPerActor: [7, 0, 2, 1],
  follows: [[1, 2], [], [0], []],
  accountStatus: { 2: 'deactivated', 3: 'takendown' },
});
const [alice, bob, carol, dave] = dataset.actors as [typeof dataset.actors[0], typeof dataset.actors[0], typeof dataset.actors[0], typeof dataset.actors[0]];

const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function start(options: Partial<StartAppViewOptions> = {}) {
  const server = await startAppView({ dataset, appPasswords: { [alice.handle]: 'alice-pw', [dave.did]: 'dave-pw' }, ...options });
  servers.push(server);
  return { server, agent: new AtpAgent({ service: server.url }) };
}

async function errorOf(promise: Promise<unknown>): Promise<XRPCError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(XRPCError);
  return error as XRPCError;
}

describe('PLC directory role', () => {
  it('answers DID documents naming the server as the PDS, and 404 for unknown DIDs', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/${alice.did}`);
    const doc = (await response.json()) as { id: string; alsoKnownAs: string[]; service: { id: string; type: string; serviceEndpoint: string }[] };
    expect(doc).toMatchObject({ id: alice.did, alsoKnownAs: [`at://${alice.handle}`] });
    expect(doc.service).toEqual([{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: server.url }]);
    expect((await fetch(`${server.url}/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa`)).status).toBe(404);
    expect(server.didDocumentRequests).toEqual([alice.did, 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa']);
  });
});

describe('PDS role: listRecords', () => {
  it('lists a collection newest rkey first, with a cursor until an empty page', async () => {
    const { agent } = await start();
    const first = await agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 5 });
    expect(first.data.records.map((r) => r.uri)).toEqual(alice.posts.slice(0, 5).map((p) => p.uri));
    expect(first.data.records[0]).toEqual({ uri: alice.posts[0]!.uri, cid: alice.posts[0]!.cid, value: alice.posts[0]!.record });
    const second = await agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 5, cursor: first.data.cursor });
    expect(second.data.records.map((r) => r.uri)).toEqual(alice.posts.slice(5).map((p) => p.uri));
    const third = await agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 5, cursor: second.data.cursor });
    expect(third.data).toEqual({ records: [] });
    const reversed = await agent.com.atproto.repo.listRecords({ repo: alice.handle, collection: 'app.bsky.feed.post', reverse: true, limit: 100 });
    expect(reversed.data.records.map((r) => r.uri)).toEqual([...alice.posts].reverse().map((p) => p.uri));
    const follows = await agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.graph.follow' });
    expect(follows.data.records.map((r) => (r.value as { subject: string }).subject).sort()).toEqual([bob.did, carol.did].sort());
    expect((await agent.com.atproto.repo.listRecords({ repo: bob.did, collection: 'app.bsky.feed.post' })).data).toEqual({ records: [] });
  });

  it('refuses unknown, deactivated and taken-down repos as the PDS does', async () => {
    const { agent } = await start();
    const unknown = await errorOf(agent.com.atproto.repo.listRecords({ repo: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa', collection: 'app.bsky.feed.post' }));
    expect([unknown.status, unknown.error, unknown.message]).toEqual([400, 'InvalidRequest', 'Could not find repo: did:plc:aaaaaaaaaaaaaaaaaaaaaaaa']);
    expect((await errorOf(agent.com.atproto.repo.listRecords({ repo: carol.did, collection: 'app.bsky.feed.post' }))).error).toBe('RepoDeactivated');
    expect((await errorOf(agent.com.atproto.repo.listRecords({ repo: dave.did, collection: 'app.bsky.feed.post' }))).error).toBe('RepoTakendown');
  });
});

describe('PDS role: app-password sessions', () => {
  it('logs in with JWT-shaped tokens and a DID document naming this server, and counts createSession', async () => {
    const { server, agent } = await start();
    const { data } = await agent.login({ identifier: alice.handle, password: 'alice-pw' });
    expect(data).toMatchObject({ did: alice.did, handle: alice.handle, active: true });
    for (const token of [data.accessJwt, data.refreshJwt]) expect(token.split('.')).toHaveLength(3);
    const payload = JSON.parse(Buffer.from(data.accessJwt.split('.')[1]!, 'base64url').toString()) as { sub: string; scope: string; exp: number };
    expect(payload).toMatchObject({ sub: alice.did, scope: 'com.atproto.appPass' });
    expect(payload.exp * 1000).toBeGreaterThan(Date.now());
    expect(agent.pdsUrl?.href).toBe(`${server.url}/`);
    expect(server.count('com.atproto.server.createSession')).toBe(1);
    const session = await agent.com.atproto.server.getSession();
    expect(session.data).toMatchObject({ did: alice.did, emailConfirmed: true });
  });

  it('refuses a wrong password, a takendown account, and anything unauthenticated on getSession', async () => {
    const { agent } = await start();
    const wrong = await errorOf(agent.login({ identifier: alice.handle, password: 'nope' }));
    expect([wrong.status, wrong.error]).toEqual([401, 'AuthenticationRequired']);
    expect((await errorOf(agent.login({ identifier: dave.handle, password: 'dave-pw' }))).error).toBe('AccountTakedown');
    expect((await errorOf(agent.com.atproto.server.getSession())).status).toBe(401);
  });

  it('answers an expired access token with 400 ExpiredToken, which @atproto/api answers with one refresh', async () => {
    const { server, agent } = await start();
    await agent.login({ identifier: alice.handle, password: 'alice-pw' });
    const before = agent.session!;
    server.expireAccessTokens();
    await agent.app.bsky.graph.getFollows({ actor: alice.did });
    expect(server.count('com.atproto.server.refreshSession')).toBe(1);
    expect(agent.session?.accessJwt).not.toBe(before.accessJwt);
    expect(agent.session?.refreshJwt).not.toBe(before.refreshJwt);
    // The spent refresh token is revoked: rotation, as on the real PDS.
    const replay = await errorOf(new AtpAgent({ service: server.url }).com.atproto.server.refreshSession(undefined, { headers: { authorization: `Bearer ${before.refreshJwt}` } }));
    expect([replay.status, replay.error]).toEqual([400, 'ExpiredToken']);
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.graph.getFollows').map((r) => r.authenticated)).toEqual([true, true]);
  });

  it('limits createSession to 30 per 5 minutes per account, with ratelimit headers', async () => {
    const { agent } = await start();
    let last: XRPCError | undefined;
    for (let i = 0; i < 31; i++) {
      last = await agent.login({ identifier: alice.handle, password: 'wrong' }).then(() => undefined, (e: unknown) => e as XRPCError);
    }
    expect(last?.status).toBe(429);
    expect(last?.headers).toMatchObject({ 'ratelimit-limit': '30', 'ratelimit-remaining': '0', 'ratelimit-policy': '30;w=300' });
  });
});
