import type { FetchPageRequest, SourceInstance } from '@etl/core';
import { AtprotoClient } from './client/atproto-client.js';
import { isRetryableAtprotoError } from './errors/atproto-errors.js';
import { retryDelayMs } from './errors/retry-delay.js';
import { clientSettingsOf } from './options/common-options.js';
import { searchPostsOptionsSchema } from './search-posts-source.js';
import type { PostView, SearchPostsOptions } from './search-posts-source.js';
import type { PluginCheckContext } from '@etl/core';
import { checkService } from './client/check-service.js';

/** A live `atprotoSearchPosts` (see search-posts-source.ts): loaded only when a run creates one. */
export function createSearchPostsSource(options: SearchPostsOptions): SourceInstance<PostView> {
  const { properties } = searchPostsOptionsSchema;
  const { auth, since, until, author, mentions, lang, domain, url, tag } = options;
  if (auth === undefined) throw new RangeError('atproto.searchPosts needs auth (the config check says so)');
  const client = new AtprotoClient(clientSettingsOf(options));
  const limit = options.limit ?? properties.limit.default;
  const sort = options.sort ?? properties.sort.default;
  const retryAt429 = options.retryAt429 ?? properties.retryAt429.default;
  const filters = { since, until, author, mentions, lang, domain, url, tag: tag === undefined ? undefined : [...tag] };
  return {
    check: (context: PluginCheckContext) => checkService(client, context),
    fetchPage: ({ partition, cursor, signal, report }: FetchPageRequest) =>
      client.call('app.bsky.feed.searchPosts', { signal, report }, async (agent, callSignal) => {
        const { data } = await agent.app.bsky.feed.searchPosts({ q: partition, sort, limit, cursor, ...filters }, { signal: callSignal });
        return { records: data.posts, cursor: data.cursor };
      }),
    isRetryable: isRetryableAtprotoError,
    retryDelayMs: (error, policyDelayMs) => retryDelayMs(retryAt429, error, policyDelayMs),
    sharedState: client.sharedState,
    close: () => client.close(),
  };
}
