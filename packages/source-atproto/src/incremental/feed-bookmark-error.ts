import { EtlError } from '@etl/core';

// Its own module, apart from the bookmark logic: the package index exports this class, and the bookmark
// logic reads feed items through @atproto/api, which importing the package must not load.

/** A stored bookmark this source cannot read: written by another source (the pipeline changed) or by a newer version. */
export class AuthorFeedBookmarkError extends EtlError {
  constructor(bookmark: unknown) {
    super(
      'ATPROTO_BOOKMARK_INVALID',
      `the saved bookmark of this pipeline × partition is not an atproto.authorFeed bookmark (version 1): ${JSON.stringify(bookmark)?.slice(0, 200)}; ` +
        'run `etl state reset <pipeline> <partition>` to read the whole feed again',
    );
  }
}
