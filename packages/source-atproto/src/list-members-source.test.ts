import type { AppView } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { atprotoListMembers } from './list-members-source.js';
import type { ListItemView } from './list-pager.js';
import { actor, drive, errorOf, graph, runPipeline, startGraphFixture } from './test-support/graph-fixture.js';

const lists = graph.lists!;
const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function fixture() {
  const server = await startGraphFixture();
  servers.push(server);
  return server;
}
const create = (service: string, limit = 3) => atprotoListMembers.definition.create({ service, limit });

describe('atprotoListMembers', () => {
  it.each([
    ['empty', 0, [0]],
    ['one member', 1, [1, 0]],
    ['exactly one page', 2, [3, 0]],
    ['one over a page', 3, [3, 1, 0]],
    ['several pages', 4, [3, 3, 3, 1, 0]],
  ])('pages a list that is %s to exactly its items, newest first, without duplicates', async (_name, index, pages) => {
    const server = await fixture();
    const list = lists[index]!;
    const result = await drive(await create(server.url), list.uri);
    expect(result.pages).toEqual(pages);
    const uris = result.records.map((item) => item.uri);
    expect(uris).toEqual(list.items.map((item) => item.uri));
    expect(new Set(uris).size).toBe(uris.length);
    expect(result.records.map((item) => item.subject.did)).toEqual(list.items.map((item) => item.value.subject));
    expect(result.resolved).toBeUndefined(); // already a DID AT-URI: nothing to resolve
    expect(server.count('app.bsky.graph.getList')).toBe(pages.length);
  });

  it('returns the lexicon JSON as served (ListItemView with a ProfileView subject)', async () => {
    const server = await fixture();
    const { records } = await drive<ListItemView>(await create(server.url, 100), lists[1]!.uri);
    expect(records).toEqual([
      {
        uri: lists[1]!.items[0]!.uri,
        subject: {
          did: actor(0).did,
          handle: actor(0).handle,
          displayName: actor(0).displayName,
          description: actor(0).description,
          createdAt: actor(0).createdAt,
          indexedAt: actor(0).createdAt,
          labels: [],
        },
      },
    ]);
  });

  it('takes a handle AT-URI or a bsky.app URL, resolving the owner once per run', async () => {
    const server = await fixture();
    const source = await create(server.url);
    const list = lists[3]!;
    const rkey = list.uri.split('/').at(-1)!;
    const owner = actor(9);
    for (const partition of [`at://${owner.handle}/app.bsky.graph.list/${rkey}`, `https://bsky.app/profile/${owner.handle}/lists/${rkey}`]) {
      const result = await drive(source, partition);
      expect(result.resolved).toBe(list.uri);
      expect(result.records.map((item) => item.uri)).toEqual(list.items.map((item) => item.uri));
    }
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(1);
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.graph.getList').every((r) => r.params['list'] === list.uri)).toBe(true);
    const byDidUrl = await drive(source, `https://bsky.app/profile/${owner.did}/lists/${rkey}`);
    expect(byDidUrl.resolved).toBe(list.uri);
  });

  it('refuses partitions that do not name a list, at config time', () => {
    const check = atprotoListMembers.definition.checkPartition!;
    expect(check(lists[0]!.uri, {})).toBeUndefined();
    expect(check(`https://bsky.app/profile/${actor(9).handle}/lists/3kabc`, {})).toBeUndefined();
    expect(check('alice.test', {})).toMatch(/does not name a list/);
    expect(check(graph.starterPacks![0]!.uri, {})).toMatch(/app.bsky.graph.starterpack record, not a list/);
    expect(check('at://not a handle/app.bsky.graph.list/3kabc', {})).toMatch(/does not name a list|neither a DID nor a handle/);
    expect(check('https://example.com/profile/a.test/lists/3kabc', {})).toMatch(/does not name a list/);
  });

  it('fails a deleted list with a message naming it, without retrying', async () => {
    const server = await fixture();
    const source = await create(server.url);
    const missing = `at://${actor(9).did}/app.bsky.graph.list/3zzzzzzzzzzzz`;
    const error = await errorOf(drive(source, missing));
    expect(error).toMatchObject({ code: 'ATPROTO_NOT_FOUND', status: 400, error: 'InvalidRequest' });
    expect((error as Error).message).toContain(`list ${missing} was not found`);
    expect(source.isRetryable?.(error)).toBe(false);
  });

  it('runs as a pipeline: one committed object per list, with the resolved URI reported', async () => {
    const server = await fixture();
    const owner = actor(9);
    const partitions = [lists[4]!.uri, `at://${owner.handle}/app.bsky.graph.list/${lists[2]!.uri.split('/').at(-1)}`];
    const { summary, events, committed } = await runPipeline({ members: { source: atprotoListMembers({ service: server.url, limit: 3 }), partitions } });
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => [t.records, t.pages])).toEqual([[10, 5], [3, 2]]);
    expect((committed.get(`members/${partitions[0]}`) as ListItemView[]).map((i) => i.uri)).toEqual(lists[4]!.items.map((i) => i.uri));
    expect(events.filter((e) => e.type === 'partition-resolved').map((e) => (e as { resolved: string }).resolved)).toEqual([lists[2]!.uri]);
  });
});
