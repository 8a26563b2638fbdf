import { defineStateStore } from '@etl/core';

const DEFAULT_PREFIX = '_etl/state';
const DEFAULT_LOCK_TTL_S = 300;

/** Run records, checkpoints, bookmarks and locks in S3, beside the data: shared by every machine that runs the config. */
export const s3State = defineStateStore({
  name: 's3.state',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['bucket'],
    properties: {
      bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', description: 'Bucket that holds the state (it may be the data bucket).' },
      prefix: { type: 'string', minLength: 1, pattern: '^[^/].*[^/]$|^[^/]$', default: DEFAULT_PREFIX, description: 'Key prefix of the state objects, without leading or trailing "/".' },
      region: { type: 'string', minLength: 1, description: 'Region of the bucket. Default: from the AWS SDK, else us-east-1.' },
      endpoint: { type: 'string', format: 'uri', description: 'Endpoint of an S3-compatible service.' },
      forcePathStyle: { type: 'boolean', description: 'Path-style addressing (most S3-compatibles need it).' },
      lockTtlSeconds: {
        type: 'integer',
        minimum: 10,
        default: DEFAULT_LOCK_TTL_S,
        description: 'A lock its run has not refreshed for this long is stale (the run died) and is taken over.',
      },
    },
  },
  // Opened only by commands that read or write state: the store brings @aws-sdk/client-s3 (~0.25 s to
  // import), which `etl validate` and `etl list` never need.
  create: async (options) => {
    const [{ createS3Client }, { S3StateStore }] = await Promise.all([import('../s3-client.js'), import('./s3-state-store.js')]);
    return new S3StateStore({
      client: createS3Client({ region: options.region, endpoint: options.endpoint, forcePathStyle: options.forcePathStyle }),
      bucket: options.bucket,
      prefix: options.prefix ?? DEFAULT_PREFIX,
      lockTtlMs: (options.lockTtlSeconds ?? DEFAULT_LOCK_TTL_S) * 1000,
    });
  },
});
