import type { AppView } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { atprotoRepoRecords } from './repo-records-source.js';
import type { RepoRecord } from './repo-records-source.js';
import { actor, drive, errorOf, graph, runPipeline, startGraphFixture } from './test-support/graph-fixture.js';

const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function fixture() {
  const server = await startGraphFixture();
  servers.push(server);
  return server;
}

describe('atprotoRepoRecords', () => {
  it.each([
    ['no records', 0, [0]],
    ['one record', 1, [1, 0]],
    ['exactly one page', 2, [3, 0]],
    ['one over a page', 3, [3, 1, 0]],
    ['several pages', 4, [3, 3, 3, 1, 0]],
  ] as const)('lists %s from the PDS named in the DID document', async (_edge, index, pages) => {
    const server = await fixture();
    const subject = actor(index);
    const source = await atprotoRepoRecords.definition.create({ collection: 'app.bsky.feed.post', plcDirectory: server.url, service: server.url, limit: 3 });
    const result = await drive<RepoRecord>(source, subject.handle);
    expect(result.pages).toEqual(pages);
    expect(result.records.map((r) => r.uri)).toEqual(subject.posts.map((p) => p.uri));
    expect(new Set(result.records.map((r) => r.uri)).size).toBe(subject.posts.length);
    expect(result.records).toEqual(subject.posts.map((p) => ({ uri: p.uri, cid: p.cid, value: p.record })));
    expect(result.resolved).toBe(subject.did);
    expect(server.didDocumentRequests).toEqual([subject.did]);
    const listed = server.requestLog.filter((r) => r.nsid === 'com.atproto.repo.listRecords');
    expect(listed.every((r) => r.params['repo'] === subject.did && r.params['collection'] === 'app.bsky.feed.post' && !r.authenticated)).toBe(true);
  });

  it('lists any collection, oldest first with reverse, and looks each DID document up once per run', async () => {
    const server = await fixture();
    const source = await atprotoRepoRecords.definition.create({ collection: 'app.bsky.graph.follow', reverse: true, plcDirectory: server.url, service: server.url });
    const subject = actor(9);
    for (let run = 0; run < 2; run++) {
      const { records } = await drive<RepoRecord>(source, subject.did);
      const follows = graph.follows!.filter((f) => f.authorDid === subject.did);
      expect(records.map((r) => r.uri)).toEqual([...follows].sort((a, b) => (a.rkey < b.rkey ? -1 : 1)).map((f) => f.uri));
    }
    expect(server.didDocumentRequests).toEqual([subject.did]);
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(0);
  });

  it('fails or skips actors whose DID is not registered or whose repo is deactivated or taken down', async () => {
    const server = await fixture();
    const options = { collection: 'app.bsky.feed.post', plcDirectory: server.url, service: server.url } as const;
    const failing = await atprotoRepoRecords.definition.create(options);
    const unregistered = await errorOf(drive(failing, 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'));
    expect(unregistered).toMatchObject({ code: 'ATPROTO_NOT_FOUND', status: 404 });
    expect((unregistered as Error).message).toMatch(/^actor did:plc:a+ was not found .*DID document not found/);
    expect((await errorOf(drive(failing, actor(14).did))) as Error).toMatchObject({ code: 'ATPROTO_ACCOUNT_DEACTIVATED', error: 'RepoDeactivated' });

    const skipping = await atprotoRepoRecords.definition.create({ ...options, onMissingActor: 'skip' });
    expect(await errorOf(drive(skipping, actor(15).handle))).toMatchObject({ code: 'PARTITION_SKIPPED', message: expect.stringMatching(/is suspended/) });
    expect(await errorOf(drive(skipping, 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'))).toMatchObject({ code: 'PARTITION_SKIPPED' });
  });

  it('checks the collection and the partition at config time', () => {
    const { check, checkPartition } = atprotoRepoRecords.definition;
    expect(check?.({ collection: 'app.bsky.feed.post' })).toEqual([]);
    expect(check?.({ collection: 'posts' })).toEqual([{ path: 'collection', message: expect.stringMatching(/not an NSID/) }]);
    expect(checkPartition?.('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', { collection: 'a.b.c' })).toMatch(/only did:plc and did:web/);
    expect(checkPartition?.('alice.test', { collection: 'a.b.c' })).toBeUndefined();
  });

  it('runs as a pipeline', async () => {
    const server = await fixture();
    const { summary, committed } = await runPipeline({
      posts: { source: atprotoRepoRecords({ collection: 'app.bsky.feed.post', plcDirectory: server.url, service: server.url, limit: 4 }), partitions: [actor(4).handle, actor(0).did] },
    });
    expect(summary.tasks.map((t) => [t.status, t.records, t.pages])).toEqual([['succeeded', 10, 4], ['succeeded', 0, 1]]);
    expect((committed.get(`posts/${actor(4).handle}`) as RepoRecord[]).map((r) => r.uri)).toEqual(actor(4).posts.map((p) => p.uri));
  });
});
