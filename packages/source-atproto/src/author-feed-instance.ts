import type { SourceInstance } from '@etl/core';
import { actorSource } from './actor-source.js';
import type { FeedViewPost } from './author-feed-source.js';
import { AtprotoClient } from './client/atproto-client.js';
import { parseAuthorFeedBookmark } from './incremental/feed-bookmark.js';
import { incrementalFeedPage } from './incremental/incremental-feed-page.js';
import { authorFeedOptionsSchema } from './options/author-feed-options.js';
import type { AuthorFeedOptions } from './options/author-feed-options.js';
import { clientSettingsOf } from './options/common-options.js';

/** A live `atprotoAuthorFeed` (see author-feed-source.ts): loaded only when a run creates one. */
export function createAuthorFeedSource(options: AuthorFeedOptions): SourceInstance<FeedViewPost> {
  const { properties } = authorFeedOptionsSchema;
  const limit = options.limit ?? properties.limit.default;
  const filter = options.filter ?? properties.filter.default;
  const includePins = options.includePins ?? properties.includePins.default;
  const client = new AtprotoClient(clientSettingsOf(options));
  const feed = actorSource({
    client,
    onMissingActor: options.onMissingActor ?? properties.onMissingActor.default,
    retryAt429: options.retryAt429 ?? properties.retryAt429.default,
    page: (actor, cursor, context) =>
      client.call('app.bsky.feed.getAuthorFeed', context, async (agent, signal) => {
        const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor, limit, cursor, filter, includePins }, { signal });
        return { records: data.feed, cursor: data.cursor };
      }),
  });
  return {
    ...feed,
    async fetchPage(request) {
      // Checked before the call: a bookmark this source cannot read fails the task without fetching anything.
      const bookmark = parseAuthorFeedBookmark(request.bookmark);
      return incrementalFeedPage(await feed.fetchPage(request), bookmark, request.cursor === undefined);
    },
  };
}
