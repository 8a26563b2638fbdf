import type { SyntheticActor, SyntheticPost } from './dataset.js';

export interface AuthorFeedQuery {
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly filter: string;
}

export interface AuthorFeedPage {
  readonly posts: readonly SyntheticPost[];
  readonly cursor: string | undefined;
}

export class MalformedCursorError extends Error {}

/**
 * Pages an actor's posts newest first, as the real AppView does: the cursor (`<ms>::<cid>`) names the last
 * post served, so a last partial page still carries one and the page after it is empty, without one.
 */
export function authorFeedPage(actor: SyntheticActor, query: AuthorFeedQuery): AuthorFeedPage {
  const after = query.cursor === undefined ? undefined : parseCursor(query.cursor);
  const matching = actor.posts.filter((post) => matchesFilter(actor, post, query.filter));
  const start = after === undefined ? 0 : matching.findIndex((post) => isOlder(post, after));
  const posts = start < 0 ? [] : matching.slice(start, start + query.limit);
  const last = posts.at(-1);
  return { posts, cursor: last ? cursorOf(last) : undefined };
}

interface CursorPosition {
  readonly ms: number;
  readonly cid: string;
}

function cursorOf(post: SyntheticPost): string {
  return `${Date.parse(post.record.createdAt)}::${post.cid}`;
}

function parseCursor(cursor: string): CursorPosition {
  const [ms, cid, ...rest] = cursor.split('::');
  if (ms === undefined || cid === undefined || rest.length > 0 || !/^\d+$/.test(ms)) {
    throw new MalformedCursorError('Malformed cursor');
  }
  return { ms: Number(ms), cid };
}

function isOlder(post: SyntheticPost, position: CursorPosition): boolean {
  const ms = Date.parse(post.record.createdAt);
  return ms < position.ms || (ms === position.ms && post.cid < position.cid);
}

function matchesFilter(actor: SyntheticActor, post: SyntheticPost, filter: string): boolean {
  const reply = post.record.reply;
  switch (filter) {
    case 'posts_no_replies':
      return reply === undefined;
    case 'posts_and_author_threads':
      return reply === undefined || reply.parent.uri.startsWith(`at://${actor.did}/`);
    case 'posts_with_media':
    case 'posts_with_video':
      // The synthetic posts carry no images or videos.
      return false;
    default:
      return true;
  }
}
