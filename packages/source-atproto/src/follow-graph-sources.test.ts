import type { AppView } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { atprotoFollowers, atprotoFollows } from './follow-graph-sources.js';
import type { ProfileView } from './follow-graph-sources.js';
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

// Newest follow first, as the AppView lists them; inactive accounts are left out.
const followersOf = (did: string) => graph.follows!.filter((f) => f.value.subject === did).map((f) => f.authorDid);
const followsOf = (did: string) => graph.follows!.filter((f) => f.authorDid === did).map((f) => f.value.subject);

describe.each([
  ['atprotoFollowers', atprotoFollowers, 'app.bsky.graph.getFollowers', followersOf, [5, 6, 7, 8, 9]],
  ['atprotoFollows', atprotoFollows, 'app.bsky.graph.getFollows', followsOf, [5, 0, 7, 8, 9]],
] as const)('%s', (_name, factory, nsid, expected, edgeActors) => {
  it.each([
    ['none', 0, [0]],
    ['one', 1, [1, 0]],
    ['exactly one page', 2, [3, 0]],
    ['one over a page', 3, [3, 1, 0]],
    ['several pages', 4, undefined],
  ] as const)('pages %s to exactly the expected profiles', async (_edge, which, pages) => {
    const server = await fixture();
    const subject = actor(edgeActors[which]);
    const want = expected(subject.did);
    const result = await drive<ProfileView>(await factory.definition.create({ service: server.url, limit: 3 }), subject.handle);
    if (pages) expect(result.pages).toEqual(pages);
    else expect(result.pages.length).toBeGreaterThan(3);
    const dids = result.records.map((profile) => profile.did);
    expect(dids).toEqual(want);
    expect(new Set(dids).size).toBe(dids.length);
    expect(result.resolved).toBe(subject.did);
    // Pages go out with the DID, resolved once.
    expect(server.requestLog.filter((r) => r.nsid === nsid).every((r) => r.params['actor'] === subject.did)).toBe(true);
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(1);
  });

  it('fails a missing actor with what to do, or skips it when told to', async () => {
    const server = await fixture();
    const failing = await factory.definition.create({ service: server.url });
    const error = await errorOf(drive(failing, 'nobody.test'));
    expect(error).toMatchObject({ code: 'ATPROTO_NOT_FOUND' });
    expect((error as Error).message).toMatch(/^actor nobody.test was not found .*set onMissingActor: 'skip'/);
    expect(failing.isRetryable?.(error)).toBe(false);

    const skipping = await factory.definition.create({ service: server.url, onMissingActor: 'skip' });
    for (const [partition, reason] of [['nobody.test', 'was not found'], [actor(14).did, 'is deactivated'], [actor(15).handle, 'is suspended']] as const) {
      const skipped = await errorOf(drive(skipping, partition));
      expect(skipped).toMatchObject({ code: 'PARTITION_SKIPPED' });
      expect((skipped as Error).message).toContain(`actor ${partition} ${reason}`);
    }
  });
});

describe('follow graph pipelines', () => {
  it('runs followers and follows side by side, skipping missing actors, handles resolved once per source', async () => {
    const server = await fixture();
    const partitions = [actor(9).handle, actor(7).did, 'nobody.test', actor(14).handle];
    const { summary, committed, events } = await runPipeline({
      followers: { source: atprotoFollowers({ service: server.url, limit: 3, onMissingActor: 'skip' }), partitions },
      follows: { source: atprotoFollows({ service: server.url, limit: 3 }), partitions: partitions.slice(0, 2) },
    });
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((t) => `${t.pipeline}:${t.status}:${t.records}`)).toEqual([
      'followers:succeeded:12',
      'followers:succeeded:3',
      'followers:skipped:0',
      'followers:skipped:0',
      'follows:succeeded:10',
      'follows:succeeded:3',
    ]);
    expect(summary.tasks[2]?.error?.message).toMatch(/actor nobody.test was not found/);
    expect(summary.tasks[3]?.error?.message).toMatch(/is deactivated/);
    expect((committed.get(`followers/${actor(9).handle}`) as ProfileView[]).map((p) => p.did)).toEqual(followersOf(actor(9).did));
    const resolved = events.filter((e) => e.type === 'partition-resolved').map((e) => `${e.pipeline}:${(e as { resolved: string }).resolved}`);
    expect(resolved).toEqual([`followers:${actor(9).did}`, `followers:${actor(14).did}`, `follows:${actor(9).did}`]);
    // One resolveHandle per handle per source instance: 9, nobody (refused) and 14 for followers, 9 for follows.
    expect(server.count('com.atproto.identity.resolveHandle')).toBe(4);
  });
});
