import type { Params, Server } from '@atproto/xrpc-server';
import { authorFeedPage, MalformedCursorError } from './author-feed.js';
import type { SyntheticActor } from './dataset.js';
import type { DatasetIndex } from './views.js';
import { feedViewPost, profileViewDetailed } from './views.js';

/** The error the real AppView answers for an actor it does not know. */
const PROFILE_NOT_FOUND = { status: 400, error: 'InvalidRequest', message: 'Profile not found' } as const;

export function addAppViewMethods(server: Server, index: DatasetIndex): void {
  server.method('app.bsky.feed.getAuthorFeed', ({ params }) => {
    const actor = findActor(index, stringParam(params, 'actor'));
    if (actor === undefined) return PROFILE_NOT_FOUND;
    try {
      const page = authorFeedPage(actor, {
        // The params verifier has applied the lexicon defaults (limit 50, posts_with_replies).
        limit: typeof params['limit'] === 'number' ? params['limit'] : 50,
        cursor: stringParam(params, 'cursor'),
        filter: stringParam(params, 'filter') ?? 'posts_with_replies',
      });
      const feed = page.posts.map((post) => feedViewPost(index, post));
      return { encoding: 'application/json', body: page.cursor === undefined ? { feed } : { feed, cursor: page.cursor } };
    } catch (error) {
      if (error instanceof MalformedCursorError) return { status: 400, error: 'InvalidRequest', message: error.message };
      throw error;
    }
  });

  server.method('app.bsky.actor.getProfile', ({ params }) => {
    const actor = findActor(index, stringParam(params, 'actor'));
    if (actor === undefined) return PROFILE_NOT_FOUND;
    return { encoding: 'application/json', body: profileViewDetailed(actor) };
  });

  server.method('com.atproto.identity.resolveHandle', ({ params }) => {
    const handle = stringParam(params, 'handle');
    const actor = handle === undefined ? undefined : index.actorByHandle(handle);
    if (actor === undefined) return { status: 400, error: 'InvalidRequest', message: 'Unable to resolve handle' };
    return { encoding: 'application/json', body: { did: actor.did } };
  });
}

function findActor(index: DatasetIndex, actor: string | undefined): SyntheticActor | undefined {
  if (actor === undefined) return undefined;
  return actor.startsWith('did:') ? index.actorByDid(actor) : index.actorByHandle(actor);
}

function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
}
