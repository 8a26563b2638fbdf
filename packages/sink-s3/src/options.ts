import type { OptionsOf, PluginProblem } from '@etl/core';
import { checkKeyTemplate, KEY_PLACEHOLDERS } from './key-template.js';

const MIB = 1024 * 1024;

/**
 * Options of the `s3.ndjson` sink. There are deliberately no credential options: credentials come from
 * the AWS SDK default provider chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, roles),
 * so secrets never sit in a config file.
 */
export const s3SinkOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['bucket', 'key'],
  properties: {
    bucket: {
      type: 'string',
      description: 'Name of an existing S3 bucket.',
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    },
    key: {
      type: 'string',
      minLength: 1,
      description: `Object key template, one object per task. Placeholders: ${KEY_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}; {date} (YYYY-MM-DD) and {hour} (HH) are the UTC run start. Example: "feeds/dt={date}/{partition}.ndjson.gz".`,
    },
    compression: {
      type: 'string',
      enum: ['gzip', 'none'],
      description: 'Compression of the object. Default: gzip when the key ends in ".gz", else none; must agree with the ".gz" suffix.',
    },
    region: {
      type: 'string',
      minLength: 1,
      description: 'AWS region of the bucket. Default: from the AWS SDK (AWS_REGION, profile), else us-east-1.',
    },
    endpoint: {
      type: 'string',
      format: 'uri',
      description: 'Endpoint URL of an S3-compatible service (MinIO, s3rver, R2). Default: AWS S3.',
    },
    forcePathStyle: {
      type: 'boolean',
      description: 'Address buckets as endpoint/bucket/key instead of bucket.endpoint/key; most S3-compatibles need it.',
    },
    contentType: {
      type: 'string',
      minLength: 1,
      default: 'application/x-ndjson',
      description: 'Content-Type stored with each object.',
    },
    partSizeBytes: {
      type: 'integer',
      minimum: 5 * MIB,
      maximum: 5 * 1024 * MIB,
      default: 8 * MIB,
      description: 'Multipart upload part size in bytes (at least 5 MiB); also bounds the memory each task buffers.',
    },
  },
} as const;

export type S3SinkOptions = OptionsOf<typeof s3SinkOptionsSchema>;

export type Compression = 'gzip' | 'none';

export function compressionOf(options: Pick<S3SinkOptions, 'compression' | 'key'>): Compression {
  return options.compression ?? (options.key.endsWith('.gz') ? 'gzip' : 'none');
}

/** Checks beyond the schema; touches no network. */
export function checkS3SinkOptions(options: S3SinkOptions): PluginProblem[] {
  const problems: PluginProblem[] = checkKeyTemplate(options.key).map((message) => ({ path: 'key', message }));
  // Readers pick a decoder from the suffix, so a mismatch yields files nothing can read.
  const gzKey = options.key.endsWith('.gz');
  if (options.compression === 'none' && gzKey) {
    problems.push({ path: 'key', message: 'the key ends in ".gz" but compression is "none"; drop ".gz" or use gzip' });
  }
  if (options.compression === 'gzip' && !gzKey) {
    problems.push({ path: 'key', message: 'compression is "gzip" but the key does not end in ".gz"; add ".gz"' });
  }
  return problems;
}
