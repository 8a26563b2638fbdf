// The reference workload, Dagster's Bluesky dashboard in two stages, in one `etl run`:
//   1. starterPackMembers: snapshot the members of a starter pack;
//   2. authorFeeds: one task per member (dynamic partitions), paging the member's author feed 100 at a
//      time into S3 as NDJSON, politely: one feed at a time, 5 attempts 150 s apart, one call in flight.
//
// The same file runs against the real network and AWS (defaults below) or the local demo servers
// (`pnpm demo` sets the variables). Credentials come from the AWS SDK's default chain, never from here.
import { defineConfig, fromPipeline } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed, atprotoStarterPackMembers, type ListItemView } from '@etl/source-atproto';

const env = process.env;
const service = env.ATPROTO_SERVICE ?? 'https://public.api.bsky.app';

// One sink value for both pipelines: one manifest per run lists every object of both stages.
const raw = s3Sink({
  bucket: env.ETL_BUCKET ?? 'raw',
  key: 'atproto/{pipeline}/dt={date}/{partition}.jsonl',
  ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true } : {}),
  ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
});

export default defineConfig({
  concurrency: { limit: 1, groups: { ingestion: 1 } },
  pipelines: {
    starterPackMembers: {
      description: 'app.bsky.graph.getStarterPack + getList: the members of each starter pack',
      source: atprotoStarterPackMembers({ service }),
      // The seed's pack: https://bsky.app/starter-pack/christiannolan.bsky.social/3l7cddlz5ja24
      partitions: [env.ETL_STARTER_PACK ?? 'at://did:plc:lc5jzrr425fyah724df3z5ik/app.bsky.graph.starterpack/3l7cddlz5ja24'],
      sink: raw,
    },
    authorFeeds: {
      description: 'app.bsky.feed.getAuthorFeed for each member, newest first',
      source: atprotoAuthorFeed({ service, limit: 100 }),
      partitions: fromPipeline('starterPackMembers', (member: ListItemView) => member.subject.did),
      sink: raw,
      group: 'ingestion',
      policy: { retry: { attempts: 5, backoff: { constant: '150s' } }, bulkhead: 1 },
    },
  },
});
