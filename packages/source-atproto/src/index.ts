// Sources
export { atprotoAuthorFeed } from './author-feed-source.js';
export type { FeedViewPost } from './author-feed-source.js';
export { AuthorFeedBookmarkError } from './incremental/feed-bookmark-error.js';
export type { AuthorFeedBookmark } from './incremental/feed-bookmark.js';
export { atprotoListMembers } from './list-members-source.js';
export type { ListMembersOptions } from './list-members-source.js';
export type { ListItemView } from './list-pager.js';
export { atprotoStarterPackMembers } from './starter-pack-members-source.js';
export type { StarterPackMembersOptions } from './starter-pack-members-source.js';
export { atprotoFollowers, atprotoFollows } from './follow-graph-sources.js';
export type { FollowGraphOptions, ProfileView } from './follow-graph-sources.js';
export { atprotoRepoRecords, DEFAULT_PLC_DIRECTORY } from './repo-records-source.js';
export type { RepoRecord, RepoRecordsOptions } from './repo-records-source.js';
export { atprotoSearchPosts, MAX_QUERY_LENGTH } from './search-posts-source.js';
export type { PostView, SearchPostsOptions } from './search-posts-source.js';

// Options and their defaults
export { AUTHOR_FEED_FILTERS, authorFeedOptionsSchema } from './options/author-feed-options.js';
export type { AuthorFeedFilter, AuthorFeedOptions } from './options/author-feed-options.js';
export { DEFAULT_LOGIN_SERVICE, DEFAULT_MIN_REMAINING, PUBLIC_APPVIEW } from './options/common-options.js';
export { DEFAULT_SESSION_DIRECTORY, defaultSessionFile } from './session/session-file.js';

// Errors and helpers
export { AtprotoCallError, isAtprotoCallError } from './errors/atproto-call-error.js';
export type { AtprotoErrorCode } from './errors/atproto-call-error.js';
export { isRetryableAtprotoError } from './errors/atproto-errors.js';
export { checkActorIdentifier } from './identity/actor-identifier.js';
