import { AtpAgent } from '@atproto/api';
import type { AppBskyFeedDefs } from '@atproto/api';
import { defineSource, isAbortError } from '@etl/core';
import type { FetchPageRequest, SourceInstance, SourcePage } from '@etl/core';
import { checkActorIdentifier } from './actor-identifier.js';
import { isRetryableAtprotoError } from './atproto-errors.js';
import { authorFeedOptionsSchema, resolveAuthorFeedOptions } from './options.js';
import type { AuthorFeedOptions, ResolvedAuthorFeedOptions } from './options.js';

export type FeedViewPost = AppBskyFeedDefs.FeedViewPost;

/** An actor's posts (partition = handle or DID) from `app.bsky.feed.getAuthorFeed`, newest first. */
export const atprotoAuthorFeed = defineSource({
  name: 'atproto.authorFeed',
  options: authorFeedOptionsSchema,
  checkPartition: (partition) => checkActorIdentifier(partition),
  create: (options: AuthorFeedOptions) => createAuthorFeedSource(resolveAuthorFeedOptions(options)),
});

export function createAuthorFeedSource(options: ResolvedAuthorFeedOptions): SourceInstance<FeedViewPost> {
  const agent = new AtpAgent({ service: options.service });
  return {
    async fetchPage({ partition, cursor, signal }: FetchPageRequest): Promise<SourcePage<FeedViewPost>> {
      // @atproto/api takes a signal per call; the timeout rides on it, so it covers the body read too.
      const callSignal = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
      try {
        const { data } = await agent.app.bsky.feed.getAuthorFeed(
          { actor: partition, limit: options.limit, cursor, filter: options.filter, includePins: options.includePins },
          { signal: callSignal },
        );
        return { records: data.feed, cursor: data.cursor };
      } catch (error) {
        // The client wraps an abort in an XRPCError; surface it as an abort so that nothing retries a cancelled run.
        if (signal.aborted) throw abortErrorOf(signal);
        throw error;
      }
    },
    isRetryable: isRetryableAtprotoError,
  };
}

function abortErrorOf(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return isAbortError(reason) ? reason : new DOMException('The operation was aborted', 'AbortError');
}
