import type { Server } from '@atproto/xrpc-server';
import { authorFeedPage, MalformedCursorError } from './author-feed.js';
import { blockError, isErrorAnswer, visibleActor } from './actor-errors.js';
import { accessAuth } from './bearer-auth.js';
import type { DatasetIndex } from './dataset-index.js';
import type { LiveFeeds } from './live-feeds.js';
import type { SessionTokens } from './session-tokens.js';
import { feedViewPost, profileViewDetailed } from './views.js';
import { json, limitParam, stringParam } from './xrpc-params.js';

/** The author feed, profiles and handle resolution; the calls the author-feed source makes. */
export function addAppViewMethods(server: Server, index: DatasetIndex, tokens: SessionTokens, feeds: LiveFeeds): void {
  server.method('app.bsky.feed.getAuthorFeed', {
    auth: accessAuth(tokens, false),
    handler: ({ params, auth }) => {
      const actor = visibleActor(index, stringParam(params, 'actor'));
      if (isErrorAnswer(actor)) return actor;
      const blocked = blockError(index, actor, auth.credentials?.did);
      if (blocked) return blocked;
      try {
        const page = authorFeedPage(actor, feeds.feedOf(actor), {
          // The params verifier has applied the lexicon defaults (limit 50, posts_with_replies, no pins).
          limit: limitParam(params, 50),
          cursor: stringParam(params, 'cursor'),
          filter: stringParam(params, 'filter') ?? 'posts_with_replies',
          pinned: params['includePins'] === true ? feeds.pinnedOf(actor) : undefined,
        });
        const feed = page.items.map((item) => feedViewPost(index, item));
        return json(page.cursor === undefined ? { feed } : { feed, cursor: page.cursor });
      } catch (error) {
        if (error instanceof MalformedCursorError) return { status: 400, error: 'InvalidRequest', message: error.message };
        throw error;
      }
    },
  });

  server.method('app.bsky.actor.getProfile', {
    auth: accessAuth(tokens, false),
    handler: ({ params }) => {
      const actor = visibleActor(index, stringParam(params, 'actor'));
      return isErrorAnswer(actor) ? actor : json(profileViewDetailed(actor, feeds.pinnedOf(actor)));
    },
  });

  // Handles of deactivated and taken-down accounts still resolve: identity outlives the account's data.
  server.method('com.atproto.identity.resolveHandle', ({ params }) => {
    const handle = stringParam(params, 'handle');
    const actor = handle === undefined ? undefined : index.actorByHandle(handle);
    if (actor === undefined) return { status: 400, error: 'InvalidRequest', message: 'Unable to resolve handle' };
    return json({ did: actor.did });
  });
}
