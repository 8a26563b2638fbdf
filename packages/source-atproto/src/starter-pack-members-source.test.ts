import type { AppView } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListItemView } from './list-pager.js';
import { atprotoStarterPackMembers } from './starter-pack-members-source.js';
import { actor, drive, errorOf, graph, runPipeline, startGraphFixture } from './test-support/graph-fixture.js';

const [tenPack, emptyPack] = graph.starterPacks!;
const tenList = graph.lists![4]!;
const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function fixture() {
  const server = await startGraphFixture();
  servers.push(server);
  return server;
}
const rkeyOf = (uri: string) => uri.split('/').at(-1)!;

describe('atprotoStarterPackMembers', () => {
  it('finds the pack list once, then pages that list to exactly its members', async () => {
    const server = await fixture();
    const source = await atprotoStarterPackMembers.definition.create({ service: server.url, limit: 3 });
    const result = await drive(source, tenPack!.uri);
    expect(result.resolved).toBe(tenList.uri);
    expect(result.pages).toEqual([3, 3, 3, 1, 0]);
    const uris = result.records.map((item) => item.uri);
    expect(uris).toEqual(tenList.items.map((item) => item.uri));
    expect(new Set(uris).size).toBe(10);
    expect(server.count('app.bsky.graph.getStarterPack')).toBe(1);
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.graph.getList').map((r) => r.params['list'])).toEqual(Array(5).fill(tenList.uri));
  });

  it('snapshots an empty pack in one page', async () => {
    const server = await fixture();
    const source = await atprotoStarterPackMembers.definition.create({ service: server.url });
    const result = await drive(source, emptyPack!.uri);
    expect(result).toMatchObject({ resolved: graph.lists![0]!.uri, pages: [0], records: [] });
  });

  it('accepts the bsky.app starter-pack URL with a handle or a DID, resolving the handle once', async () => {
    const server = await fixture();
    const source = await atprotoStarterPackMembers.definition.create({ service: server.url, limit: 100 });
    const owner = actor(9);
    for (const who of [owner.handle, owner.did, owner.handle]) {
      const result = await drive<ListItemView>(source, `https://bsky.app/starter-pack/${who}/${rkeyOf(tenPack!.uri)}`);
      expect(result.resolved).toBe(tenList.uri);
      expect(result.records).toHaveLength(10);
    }
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(1);
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.graph.getStarterPack').map((r) => r.params['starterPack'])).toEqual([tenPack!.uri, tenPack!.uri]);
  });

  it('checks partitions at config time', () => {
    const check = atprotoStarterPackMembers.definition.checkPartition!;
    expect(check(tenPack!.uri, {})).toBeUndefined();
    expect(check(`https://bsky.app/starter-pack/${actor(9).handle}/3kabc`, {})).toBeUndefined();
    expect(check(`https://bsky.app/starter-pack/${actor(9).handle}`, {})).toMatch(/does not name a starter pack/);
    expect(check(tenList.uri, {})).toMatch(/app.bsky.graph.list record, not a starter pack/);
  });

  it('fails an unknown pack with a message naming it', async () => {
    const server = await fixture();
    const source = await atprotoStarterPackMembers.definition.create({ service: server.url });
    const missing = `at://${actor(9).did}/app.bsky.graph.starterpack/3zzzzzzzzzzzz`;
    const error = await errorOf(drive(source, missing));
    expect(error).toMatchObject({ code: 'ATPROTO_NOT_FOUND' });
    expect((error as Error).message).toContain(`starter pack ${missing} was not found`);
  });

  it('runs as a pipeline and reports the list each pack points at', async () => {
    const server = await fixture();
    const partitions = [tenPack!.uri, `https://bsky.app/starter-pack/${actor(5).handle}/${rkeyOf(emptyPack!.uri)}`];
    const { summary, events, committed } = await runPipeline({ packs: { source: atprotoStarterPackMembers({ service: server.url, limit: 4 }), partitions } });
    expect(summary.tasks.map((t) => [t.status, t.resolved, t.records])).toEqual([
      ['succeeded', tenList.uri, 10],
      ['succeeded', graph.lists![0]!.uri, 0],
    ]);
    expect(events.filter((e) => e.type === 'partition-resolved')).toHaveLength(2);
    expect((committed.get(`packs/${partitions[0]}`) as ListItemView[]).map((i) => i.subject.did)).toEqual(tenList.items.map((i) => i.value.subject));
  });
});
