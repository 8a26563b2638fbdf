import type { OptionsOf } from '@etl/core';
import {
  authOption,
  limitOption,
  onMissingActorOption,
  pacingOption,
  retryAt429Option,
  serviceOption,
  timeoutMsOption,
} from './common-options.js';

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
    service: { ...serviceOption, description: 'Base URL of the AppView that serves app.bsky.feed.getAuthorFeed. Not used with `auth`.' },
    limit: limitOption('Posts'),
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
    timeoutMs: timeoutMsOption,
    pacing: pacingOption,
    retryAt429: retryAt429Option,
    onMissingActor: onMissingActorOption,
    auth: authOption,
  },
} as const;

export type AuthorFeedOptions = OptionsOf<typeof authorFeedOptionsSchema>;
