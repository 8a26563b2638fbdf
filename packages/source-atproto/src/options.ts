import type { OptionsOf } from '@etl/core';

export const AUTHOR_FEED_FILTERS = [
  'posts_with_replies',
  'posts_no_replies',
  'posts_with_media',
  'posts_and_author_threads',
  'posts_with_video',
] as const;

export type AuthorFeedFilter = (typeof AUTHOR_FEED_FILTERS)[number];

export const authorFeedOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    service: {
      type: 'string',
      format: 'uri',
      default: 'https://public.api.bsky.app',
      description: 'Base URL of the AppView (or PDS) that serves app.bsky.feed.getAuthorFeed.',
    },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 100,
      description: 'Posts per page (the lexicon allows 1 to 100).',
    },
    filter: {
      type: 'string',
      enum: AUTHOR_FEED_FILTERS,
      default: 'posts_with_replies',
      description: 'Which posts of the author to include, as getAuthorFeed defines it.',
    },
    includePins: {
      type: 'boolean',
      default: false,
      description: 'Also return the pinned post at the top of the first page.',
    },
    timeoutMs: {
      type: 'integer',
      minimum: 1,
      default: 30_000,
      description: 'Timeout of each request in milliseconds, body included; a timed-out request may be retried.',
    },
  },
} as const;

export type AuthorFeedOptions = OptionsOf<typeof authorFeedOptionsSchema>;

export interface ResolvedAuthorFeedOptions {
  readonly service: string;
  readonly limit: number;
  readonly filter: AuthorFeedFilter;
  readonly includePins: boolean;
  readonly timeoutMs: number;
}

/** Fills the schema defaults: the core validates options but passes them on exactly as written. */
export function resolveAuthorFeedOptions(options: AuthorFeedOptions): ResolvedAuthorFeedOptions {
  const { properties } = authorFeedOptionsSchema;
  return {
    service: options.service ?? properties.service.default,
    limit: options.limit ?? properties.limit.default,
    filter: options.filter ?? properties.filter.default,
    includePins: options.includePins ?? properties.includePins.default,
    timeoutMs: options.timeoutMs ?? properties.timeoutMs.default,
  };
}
