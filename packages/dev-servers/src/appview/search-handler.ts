import type { Params, Server } from '@atproto/xrpc-server';
import { accessAuth } from './bearer-auth.js';
import type { SyntheticPost } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';
import type { SessionTokens } from './session-tokens.js';
import { postView } from './views.js';
import { json, limitParam, stringListParam, stringParam } from './xrpc-params.js';

/**
 * app.bsky.feed.searchPosts, which on the real network wants a session: without one the fixture answers 401
 * AuthenticationRequired. Every word of `q` must occur in the text (case-insensitive); the filters act on the
 * record. Paged by offset, with a cursor only while more hits remain, as the real search service does.
 */
export function addSearchMethod(server: Server, index: DatasetIndex, tokens: SessionTokens): void {
  const posts = index.dataset.actors.filter((actor) => actor.status === undefined).flatMap((actor) => actor.posts);
  server.method('app.bsky.feed.searchPosts', {
    auth: accessAuth(tokens, true),
    handler: ({ params }) => {
      const offset = offsetOf(stringParam(params, 'cursor'));
      if (offset === undefined) return { status: 400, error: 'InvalidRequest', message: 'Malformed cursor' };
      const hits = sortHits(posts.filter(matcher(index, params)), stringParam(params, 'sort') ?? 'latest');
      const limit = limitParam(params, 25);
      const page = hits.slice(offset, offset + limit);
      const next = offset + page.length;
      return json({
        posts: page.map((post) => postView(index, post)),
        hitsTotal: hits.length,
        ...(next < hits.length ? { cursor: String(next) } : {}),
      });
    },
  });
}

function matcher(index: DatasetIndex, params: Params): (post: SyntheticPost) => boolean {
  const words = (stringParam(params, 'q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const sinceMs = timeParam(stringParam(params, 'since'));
  const untilMs = timeParam(stringParam(params, 'until'));
  const author = stringParam(params, 'author');
  const authorDid = author === undefined ? undefined : (index.findActor(author)?.did ?? '(unknown)');
  const lang = stringParam(params, 'lang');
  const domain = stringParam(params, 'domain')?.toLowerCase();
  const url = stringParam(params, 'url');
  const mentions = stringParam(params, 'mentions');
  const tags = stringListParam(params, 'tag');
  return (post) => {
    const text = post.record.text.toLowerCase();
    const createdMs = Date.parse(post.record.createdAt);
    const links = (post.record.facets ?? []).flatMap((facet) => facet.features.map((feature) => (feature as { uri?: string }).uri)).filter((uri): uri is string => uri !== undefined);
    return (
      words.every((word) => text.includes(word)) &&
      (sinceMs === undefined || createdMs >= sinceMs) &&
      (untilMs === undefined || createdMs < untilMs) &&
      (authorDid === undefined || post.authorDid === authorDid) &&
      (lang === undefined || (post.record.langs ?? []).includes(lang)) &&
      (domain === undefined || links.some((link) => new URL(link).hostname === domain)) &&
      (url === undefined || links.includes(url)) &&
      // The synthetic posts carry no mentions or tags, so filtering on them finds nothing.
      mentions === undefined &&
      tags.length === 0
    );
  };
}

function sortHits(hits: SyntheticPost[], sort: string): SyntheticPost[] {
  const newest = (a: SyntheticPost, b: SyntheticPost) => Date.parse(b.record.createdAt) - Date.parse(a.record.createdAt) || (a.uri < b.uri ? -1 : 1);
  return sort === 'top' ? hits.sort((a, b) => b.likeCount - a.likeCount || newest(a, b)) : hits.sort(newest);
}

function offsetOf(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return 0;
  return /^\d+$/.test(cursor) ? Number(cursor) : undefined;
}

/** A datetime or a bare ISO date, as the lexicon allows. */
function timeParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
