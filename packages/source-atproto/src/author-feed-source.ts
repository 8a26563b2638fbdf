import type { AppBskyFeedDefs } from '@atproto/api';
import { defineSource } from '@etl/core';
import type { SourceInstance } from '@etl/core';
import { checkActorIdentifier } from './identity/actor-identifier.js';
import { authorFeedOptionsSchema } from './options/author-feed-options.js';
import type { AuthorFeedOptions } from './options/author-feed-options.js';
import { checkServiceWithAuth } from './options/common-options.js';

export type FeedViewPost = AppBskyFeedDefs.FeedViewPost;

/**
 * An actor's posts (partition = handle or DID) from `app.bsky.feed.getAuthorFeed`, newest first. In
 * `mode: 'incremental'` a run writes only the items the last successful run had not seen (see
 * incremental/incremental-feed-page.ts).
 */
export const atprotoAuthorFeed = defineSource({
  name: 'atproto.authorFeed',
  options: authorFeedOptionsSchema,
  incremental: true,
  check: (options: AuthorFeedOptions) => checkServiceWithAuth(options),
  checkPartition: (partition) => checkActorIdentifier(partition),
  // Only a run creates instances: the instance module brings @atproto/api (~0.3 s to import), which
  // `etl validate` and `etl list` never need.
  create: async (options: AuthorFeedOptions): Promise<SourceInstance<FeedViewPost>> =>
    (await import('./author-feed-instance.js')).createAuthorFeedSource(options),
});
