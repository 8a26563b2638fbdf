// The reference workload: every author feed of a set of Bluesky actors, paged 100 at a time, into S3 as
// NDJSON, one object per actor, politely (one task at a time, 5 attempts 150 s apart, one call in flight).
//
// The same file runs against the real network and AWS (defaults below) or the local demo servers
// (`pnpm demo` sets the variables). Credentials come from the AWS SDK's default chain, never from here.
import { defineConfig } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed } from '@etl/source-atproto';

const env = process.env;
const actors = (env.ETL_ACTORS ?? 'bsky.app,atproto.com')
  .split(',')
  .map((actor) => actor.trim())
  .filter(Boolean);

export default defineConfig({
  concurrency: { limit: 1, groups: { ingestion: 1 } },
  pipelines: {
    authorFeeds: {
      description: 'app.bsky.feed.getAuthorFeed for each actor, newest first',
      source: atprotoAuthorFeed({ service: env.ATPROTO_SERVICE ?? 'https://public.api.bsky.app', limit: 100 }),
      partitions: actors,
      sink: s3Sink({
        bucket: env.ETL_BUCKET ?? 'raw',
        key: 'atproto/author_feed/dt={date}/{partition}.jsonl',
        ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true } : {}),
        ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      }),
      group: 'ingestion',
      policy: { retry: { attempts: 5, backoff: { constant: '150s' } }, bulkhead: 1 },
    },
  },
});
