import { join } from 'node:path';
import { ConfigError, validateConfig } from '@etl/core/host';
import type { AppView } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { atprotoSearchPosts } from './search-posts-source.js';
import type { PostView, SearchPostsOptions } from './search-posts-source.js';
import { actor, drive, errorOf, graph, memorySinkInto, runPipeline, startGraphFixture, tempDirectory, VIEWER } from './test-support/graph-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
async function fixture(): Promise<{ server: AppView; auth: NonNullable<SearchPostsOptions['auth']> }> {
  const server = await startGraphFixture();
  const dir = await tempDirectory();
  cleanups.push(() => server.close(), dir.remove);
  return { server, auth: { ...VIEWER, service: server.url, sessionFile: join(dir.path, 'session.json') } };
}

// The fixture's search: every word of the query in the text, active accounts only, newest first.
const searchable = graph.actors.filter((a) => a.status === undefined).flatMap((a) => a.posts);
function hits(query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return searchable
    .filter((post) => words.every((word) => post.record.text.toLowerCase().includes(word)))
    .sort((a, b) => Date.parse(b.record.createdAt) - Date.parse(a.record.createdAt))
    .map((post) => post.uri);
}
// A word that many posts share, and a whole text that only its own post has.
const common = ['coffee', 'river', 'garden', 'notes', 'pipeline'].sort((a, b) => hits(b).length - hits(a).length)[0]!;
const unique = searchable.find((post) => hits(post.record.text).length === 1)!.record.text;
// The edges below need "several pages" to mean several.
if (hits(common).length < 5) throw new Error(`the fixture's most common word has only ${hits(common).length} hits`);

describe('atprotoSearchPosts', () => {
  it('is refused at validation without auth, saying how to provide a session', () => {
    const error = (() => {
      try {
        validateConfig({ pipelines: { search: { source: atprotoSearchPosts({}), partitions: ['coffee'], sink: memorySinkInto(new Map()) } } }, 'etl.config.ts');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('pipelines.search.source.auth: app.bsky.feed.searchPosts requires an app-password session');
    expect((error as Error).message).toContain("password: env('BSKY_APP_PASSWORD')");
  });

  it('checks the query and the filters at config time', () => {
    const { check, checkPartition } = atprotoSearchPosts.definition;
    const auth = { identifier: 'a.test', password: 'p' };
    expect(checkPartition?.('coffee river', { auth })).toBeUndefined();
    expect(checkPartition?.('   ', { auth })).toMatch(/must not be empty/);
    expect(checkPartition?.('x'.repeat(513), { auth })).toMatch(/at most 512/);
    expect(checkPartition?.('a\nb', { auth })).toMatch(/control characters/);
    expect(check?.({ auth, since: '2025-01-01', until: '2025-02-01T00:00:00Z', lang: 'pt-BR', author: 'alice.test' })).toEqual([]);
    expect(check?.({ auth, since: 'yesterday', lang: 'not a language', mentions: 'not a handle' }).map((p) => p.path)).toEqual(['since', 'mentions', 'lang']);
    expect(check?.({ auth, since: '2025-03-01', until: '2025-02-01' })).toEqual([{ path: 'until', message: 'must be after since (2025-03-01)' }]);
  });

  // Pages expected for `hits` results at `limit`; search gives a cursor only while more hits remain.
  const expectedPages = (total: number, limit: number): number[] =>
    total === 0 ? [0] : Array.from({ length: Math.ceil(total / limit) }, (_, i) => Math.min(limit, total - i * limit));

  it.each<[string, string, (total: number) => number]>([
    ['no hits', 'zzzzzz', () => 3],
    ['one hit', unique, () => 3],
    ['exactly one page', common, (total) => total],
    ['one over a page', common, (total) => total - 1],
    ['several pages', common, () => 2],
  ])('pages %s to exactly the hits, with the session', async (_edge, q, limitFor) => {
    const { server, auth } = await fixture();
    const want = hits(q);
    const limit = limitFor(want.length);
    const source = await atprotoSearchPosts.definition.create({ auth, limit });
    const result = await drive<PostView>(source, q);
    expect(result.records.map((post) => post.uri)).toEqual(want);
    expect(new Set(result.records.map((post) => post.uri)).size).toBe(want.length);
    expect(result.pages).toEqual(expectedPages(want.length, limit));
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.feed.searchPosts').every((r) => r.authenticated && r.params['q'] === q)).toBe(true);
    expect(server.count('com.atproto.server.createSession')).toBe(1);
    await source.close?.();
  });

  it('sends sort and filters as given', async () => {
    const { server, auth } = await fixture();
    const source = await atprotoSearchPosts.definition.create({ auth, sort: 'top', author: actor(4).handle, lang: 'en', since: '2020-01-01', tag: ['a', 'b'], limit: 7 });
    await drive(source, 'coffee');
    expect(server.requestLog.find((r) => r.nsid === 'app.bsky.feed.searchPosts')?.params).toEqual({
      q: 'coffee',
      sort: 'top',
      limit: '7',
      since: '2020-01-01',
      author: actor(4).handle,
      lang: 'en',
      tag: ['a', 'b'],
    });
    await source.close?.();
  });

  it('runs as a pipeline with a session', async () => {
    const { auth } = await fixture();
    const { summary, committed } = await runPipeline({ search: { source: atprotoSearchPosts({ auth, limit: 2 }), partitions: [common, 'zzzzzz'] } });
    expect(summary.tasks.map((t) => [t.status, t.records])).toEqual([['succeeded', hits(common).length], ['succeeded', 0]]);
    expect((committed.get(`search/${common}`) as PostView[]).map((p) => p.uri)).toEqual(hits(common));
  });

  it('fails a wrong app password as an auth error, before any search call', async () => {
    const { server, auth } = await fixture();
    const source = await atprotoSearchPosts.definition.create({ auth: { ...auth, password: 'wrong' } });
    const error = await errorOf(drive(source, 'coffee'));
    expect(error).toMatchObject({ code: 'ATPROTO_AUTH', status: 401 });
    expect(server.count('app.bsky.feed.searchPosts')).toBe(0);
  });
});
