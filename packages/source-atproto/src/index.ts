export { atprotoAuthorFeed } from './author-feed-source.js';
export type { FeedViewPost } from './author-feed-source.js';
export { checkActorIdentifier } from './actor-identifier.js';
export { isRetryableAtprotoError } from './atproto-errors.js';
export { AUTHOR_FEED_FILTERS, authorFeedOptionsSchema } from './options.js';
export type { AuthorFeedFilter, AuthorFeedOptions } from './options.js';
