// The hand-written baseline of the "framework vs baseline" benchmark: what a good engineer would write
// without the framework, using the same libraries (@atproto/api, @aws-sdk/client-s3) and node builtins only.
// For each actor it pages app.bsky.feed.getAuthorFeed (limit 100) and writes ONE NDJSON object, with the
// key and the bytes the framework's `atprotoAuthorFeed` + `s3Sink` write for that actor: one line per feed
// item, `JSON.stringify(item) + "\n"`, content type application/x-ndjson.
//
// Politeness, the same contract as the framework's defaults: one call in flight to the AppView, ever. The
// framework runs every source call through a bulkhead of 1 per source instance (`policy.bulkhead`: a config
// may raise it, but 1 is the default and what the README advises for Bluesky) and one task at a time
// (`concurrency.limit`, default 1), so this script pages one actor after the other, one request at a time.
// Like the framework's task runner it asks for the next page before it encodes the current one: still one
// request in flight, and the encoding overlaps the next request instead of delaying it.
//
// Usage (inputs from argv, credentials from the AWS SDK's default chain, as the framework's sink):
//   node baseline-script.js --service URL --bucket B --key 'prefix/{partition}.jsonl' [--endpoint URL]
//     [--region R] [--limit 100] --actors did:plc:a,did:plc:b   (or ETL_BASELINE_ACTORS)
import { parseArgs } from 'node:util';
import { AtpAgent } from '@atproto/api';
import type { AppBskyFeedGetAuthorFeed } from '@atproto/api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

interface Inputs {
  readonly service: string;
  readonly bucket: string;
  readonly keyTemplate: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly limit: number;
  readonly actors: readonly string[];
}

function readInputs(): Inputs {
  const { values } = parseArgs({
    options: {
      service: { type: 'string' },
      bucket: { type: 'string' },
      key: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      limit: { type: 'string' },
      actors: { type: 'string' },
    },
  });
  const actors = (values.actors ?? process.env.ETL_BASELINE_ACTORS ?? '').split(',').filter((a) => a !== '');
  const limit = Number(values.limit ?? 100);
  if (!values.service || !values.bucket || !values.key || actors.length === 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new Error('usage: baseline-script --service URL --bucket B --key TEMPLATE [--endpoint URL] [--region R] [--limit N] --actors a,b,...');
  }
  return {
    service: values.service,
    bucket: values.bucket,
    keyTemplate: values.key,
    endpoint: values.endpoint,
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    limit,
    actors,
  };
}

/**
 * The object key of an actor. `encodeURIComponent` gives exactly the sink's key-segment encoding for
 * handles and DIDs (letters, digits, `.`, `-`, `_` kept, `:` as `%3A`); `{date}` is the run's UTC date.
 */
function keyOf(template: string, actor: string, runDate: string): string {
  return template.replaceAll('{partition}', encodeURIComponent(actor)).replaceAll('{date}', runDate);
}

type FeedPage = AppBskyFeedGetAuthorFeed.OutputSchema;

/** One actor's whole feed as NDJSON chunks, one request in flight, the next page fetched while encoding. */
async function fetchFeedNdjson(agent: AtpAgent, actor: string, limit: number): Promise<Buffer[]> {
  const fetchPage = async (cursor: string | undefined): Promise<FeedPage> => (await agent.app.bsky.feed.getAuthorFeed({ actor, limit, cursor })).data;
  const chunks: Buffer[] = [];
  let next: Promise<FeedPage> | undefined = fetchPage(undefined);
  while (next) {
    const page: FeedPage = await next;
    // Stop on a missing cursor or an empty page (the AppView ends a feed with an empty page).
    next = page.cursor && page.feed.length > 0 ? fetchPage(page.cursor) : undefined;
    let lines = '';
    for (const item of page.feed) lines += `${JSON.stringify(item)}\n`;
    if (lines !== '') chunks.push(Buffer.from(lines, 'utf8'));
  }
  return chunks;
}

async function main(): Promise<void> {
  const inputs = readInputs();
  const runDate = new Date().toISOString().slice(0, 10);
  const agent = new AtpAgent({ service: inputs.service });
  // Path-style addressing for an S3-compatible endpoint, and only the checksums an operation requires (as
  // the framework's sink does there): s3rver and MinIO support the SDK's default extra checksums unevenly.
  const s3 = new S3Client({
    region: inputs.region,
    ...(inputs.endpoint
      ? { endpoint: inputs.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const }
      : {}),
  });
  try {
    for (const actor of inputs.actors) {
      // Buffered per actor, then one PutObject: the object appears whole or not at all.
      const body = Buffer.concat(await fetchFeedNdjson(agent, actor, inputs.limit));
      await s3.send(
        new PutObjectCommand({
          Bucket: inputs.bucket,
          Key: keyOf(inputs.keyTemplate, actor, runDate),
          Body: body,
          ContentLength: body.length,
          ContentType: 'application/x-ndjson',
        }),
      );
    }
  } finally {
    s3.destroy();
  }
}

await main();
