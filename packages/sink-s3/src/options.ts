import type { OptionsOf, PluginProblem } from '@etl/core';
import { checkKeyTemplate, KEY_PLACEHOLDERS, type KeyPlaceholder } from './key-template.js';
import { PART_SUFFIX_RESERVE_BYTES } from './part-keys.js';

const MIB = 1024 * 1024;

/** Placeholders a manifest key may use: the run's, not a task's. */
export const MANIFEST_PLACEHOLDERS: readonly KeyPlaceholder[] = ['runId', 'date', 'hour'];

export const DEFAULT_MANIFEST_KEY = '_manifests/{runId}.json';

/** S3's limit on user-defined metadata: keys and values, in bytes. */
const MAX_METADATA_BYTES = 2048;

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
      description: `Object key template, one object per task (or per part, with rollover). Placeholders: ${KEY_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}; {date} (YYYY-MM-DD) and {hour} (HH) are the UTC run start. Example: "feeds/dt={date}/{partition}.jsonl.gz".`,
    },
    format: {
      type: 'string',
      enum: ['ndjson'],
      default: 'ndjson',
      description: 'Object format: NDJSON, one JSON record per line.',
    },
    compression: {
      type: 'string',
      enum: ['gzip', 'none'],
      description: 'Compression of the objects. Default: gzip when the key ends in ".gz", else none; must agree with the ".gz" suffix.',
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
      description: 'Content-Type stored with each object. Default: application/gzip for gzip objects, else application/x-ndjson.',
    },
    storageClass: {
      type: 'string',
      enum: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'GLACIER_IR', 'DEEP_ARCHIVE', 'OUTPOSTS', 'EXPRESS_ONEZONE'],
      description: 'S3 storage class of the data objects (not of the manifest). Default: the bucket\'s (STANDARD).',
    },
    metadata: {
      type: 'object',
      propertyNames: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 128 },
      additionalProperties: { type: 'string', pattern: '^[ -~]*$' },
      description: 'User-defined object metadata (x-amz-meta-*) on every data object: lowercase names, printable ASCII values, 2 KB in all.',
    },
    partSizeBytes: {
      type: 'integer',
      minimum: 5 * MIB,
      maximum: 5 * 1024 * MIB,
      default: 8 * MIB,
      description: 'Multipart upload part size in bytes (at least 5 MiB). A task holds at most 5 parts in memory (one filling, four uploading).',
    },
    rollover: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        maxRecords: { type: 'integer', minimum: 1, description: 'Start a new part object after this many records.' },
        maxBytes: {
          type: 'integer',
          minimum: 1,
          description: 'Start a new part object before a record that would take it past this many bytes of NDJSON (counted before compression).',
        },
      },
      description: 'Split a task\'s output into part objects: "-00001" is inserted before the key\'s extension. Without it, one object at exactly the key.',
    },
    manifest: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'boolean', const: false },
      ],
      description: `Key template of the run manifest (placeholders ${MANIFEST_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}; {runId} required), or false for none. Default: "${DEFAULT_MANIFEST_KEY}".`,
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 20, default: 8, description: 'Attempts per S3 request, the first included.' },
        mode: { type: 'string', enum: ['standard', 'adaptive'], default: 'standard', description: 'AWS SDK retry mode; adaptive also rate-limits the client after throttling.' },
      },
      description: 'How the AWS SDK retries throttling (503 SlowDown), 5xx and network errors. Default: 8 attempts, standard mode.',
    },
  },
} as const;

export type S3SinkOptions = OptionsOf<typeof s3SinkOptionsSchema>;

export type Compression = 'gzip' | 'none';

export function compressionOf(options: Pick<S3SinkOptions, 'compression' | 'key'>): Compression {
  return options.compression ?? (options.key.endsWith('.gz') ? 'gzip' : 'none');
}

/**
 * Checks beyond the schema; touches no network. The core runs it also on options that failed the schema
 * (so one `etl validate` reports everything), hence each check first makes sure of the values it reads.
 */
export function checkS3SinkOptions(options: S3SinkOptions): PluginProblem[] {
  const { key, compression, manifest, metadata, rollover } = options as Partial<Record<keyof S3SinkOptions, unknown>>;
  const problems: PluginProblem[] = [];
  if (typeof key === 'string') {
    const reserve = rollover === undefined ? 0 : PART_SUFFIX_RESERVE_BYTES;
    problems.push(...checkKeyTemplate(key, KEY_PLACEHOLDERS, reserve).map((message) => ({ path: 'key', message })));
    // Readers pick a decoder from the suffix, so a mismatch yields files nothing can read.
    const gzKey = key.endsWith('.gz');
    if (compression === 'none' && gzKey) {
      problems.push({ path: 'key', message: 'the key ends in ".gz" but compression is "none"; drop ".gz" or use gzip' });
    }
    if (compression === 'gzip' && !gzKey) {
      problems.push({ path: 'key', message: 'compression is "gzip" but the key does not end in ".gz"; add ".gz"' });
    }
  }
  if (typeof manifest === 'string') {
    for (const message of checkKeyTemplate(manifest, MANIFEST_PLACEHOLDERS)) problems.push({ path: 'manifest', message });
    if (!manifest.includes('{runId}')) {
      problems.push({ path: 'manifest', message: 'the manifest key must contain {runId}: one manifest per run, so a failed run cannot replace the manifest of a good one' });
    }
    if (manifest === key) problems.push({ path: 'manifest', message: 'the manifest key must differ from the data key' });
  }
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) {
    const metadataBytes = Object.entries(metadata).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)), 0);
    if (metadataBytes > MAX_METADATA_BYTES) {
      problems.push({ path: 'metadata', message: `user-defined metadata takes ${metadataBytes} bytes; S3 allows ${MAX_METADATA_BYTES}` });
    }
  }
  return problems;
}
