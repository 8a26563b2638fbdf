import type { AppBskyFeedDefs } from '@atproto/api';
import { isValidLanguage } from './identity/atproto-syntax.js';
import { defineSource } from '@etl/core';
import type { OptionsOf, PluginProblem, SourceInstance } from '@etl/core';
import { checkActorIdentifier } from './identity/actor-identifier.js';
import { authOption, limitOption, pacingOption, retryAt429Option, timeoutMsOption } from './options/common-options.js';

export type PostView = AppBskyFeedDefs.PostView;

/** Longest query accepted as a partition: beyond it, a "query" is almost certainly a mistake. */
export const MAX_QUERY_LENGTH = 512;
// A datetime or a bare ISO date, as the lexicon describes since/until.
const DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const searchPostsOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    auth: {
      ...authOption,
      description: `${authOption.description} Required: app.bsky.feed.searchPosts answers only authenticated calls.`,
    },
    sort: { type: 'string', enum: ['latest', 'top'], default: 'latest', description: "Ranking: 'latest' (newest first) or 'top'." },
    since: { type: 'string', description: 'Only posts at or after this time: an ISO datetime or date (YYYY-MM-DD).' },
    until: { type: 'string', description: 'Only posts before this time: an ISO datetime or date (YYYY-MM-DD).' },
    author: { type: 'string', description: 'Only posts by this account (handle or DID).' },
    mentions: { type: 'string', description: 'Only posts mentioning this account (handle or DID).' },
    lang: { type: 'string', description: 'Only posts in this language (a BCP-47 code such as en or pt-BR).' },
    domain: { type: 'string', minLength: 1, description: 'Only posts linking to this hostname.' },
    url: { type: 'string', format: 'uri', description: 'Only posts linking to this URL.' },
    tag: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 640 },
      description: 'Only posts with all of these hashtags (without the #).',
    },
    limit: limitOption('Posts'),
    timeoutMs: timeoutMsOption,
    pacing: pacingOption,
    retryAt429: retryAt429Option,
  },
} as const;

export type SearchPostsOptions = OptionsOf<typeof searchPostsOptionsSchema>;

/**
 * Posts matching a query (partition = the query string) from `app.bsky.feed.searchPosts`, one `PostView` each.
 * Search needs an app-password session: without `auth` the config is refused at validation.
 */
export const atprotoSearchPosts = defineSource({
  name: 'atproto.searchPosts',
  options: searchPostsOptionsSchema,
  check: checkSearchOptions,
  checkPartition: (partition) => {
    if (partition.trim().length === 0) return 'a search query must not be empty';
    if (partition.length > MAX_QUERY_LENGTH) return `a search query must be at most ${MAX_QUERY_LENGTH} characters (found ${partition.length})`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(partition)) return 'a search query must not contain control characters (newlines, tabs)';
    return undefined;
  },
  // Only a run creates instances: the instance module brings @atproto/api (~0.3 s to import), which
  // `etl validate` and `etl list` never need.
  create: async (options: SearchPostsOptions): Promise<SourceInstance<PostView>> =>
    (await import('./search-posts-instance.js')).createSearchPostsSource(options),
});

export function checkSearchOptions(options: SearchPostsOptions): PluginProblem[] {
  const problems: PluginProblem[] = [];
  if (options.auth === undefined) {
    problems.push({
      path: 'auth',
      message:
        'app.bsky.feed.searchPosts requires an app-password session: add auth: { identifier: env(\'BSKY_IDENTIFIER\'), password: env(\'BSKY_APP_PASSWORD\') } ' +
        '(create an app password under Settings > Privacy and security > App passwords)',
    });
  }
  for (const key of ['since', 'until'] as const) {
    const value = options[key];
    if (value !== undefined && (!DATE_OR_DATETIME.test(value) || Number.isNaN(Date.parse(value)))) {
      problems.push({ path: key, message: `"${value}" is not an ISO date (YYYY-MM-DD) or datetime (e.g. 2025-01-31T12:00:00Z)` });
    }
  }
  if (options.since !== undefined && options.until !== undefined && Date.parse(options.since) >= Date.parse(options.until)) {
    problems.push({ path: 'until', message: `must be after since (${options.since})` });
  }
  for (const key of ['author', 'mentions'] as const) {
    const value = options[key];
    const problem = value === undefined ? undefined : checkActorIdentifier(value);
    if (problem) problems.push({ path: key, message: problem });
  }
  if (options.lang !== undefined && !isValidLanguage(options.lang)) problems.push({ path: 'lang', message: `"${options.lang}" is not a language code (e.g. en, pt-BR)` });
  return problems;
}
