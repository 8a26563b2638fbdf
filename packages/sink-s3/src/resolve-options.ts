import type { StorageClass } from '@aws-sdk/client-s3';
import { EtlError } from '@etl/core';
import { parseKeyTemplate, type KeyTemplatePart } from './key-template.js';
import { checkS3SinkOptions, compressionOf, DEFAULT_MANIFEST_KEY, MANIFEST_PLACEHOLDERS, type Compression, type S3SinkOptions } from './options.js';
import { splitPartKeyTemplate, type PartKeyTemplate } from './part-keys.js';
import type { RolloverLimits } from './rollover.js';
import type { S3ClientOptions } from './s3-client.js';
import type { S3ObjectSpec } from './s3-object-spec.js';

/** Every default of the sink, in one place. */
export const S3_SINK_DEFAULTS = {
  partSizeBytes: 8 * 1024 * 1024,
  /** Part uploads in flight per task; with the part being filled, a task holds at most 5 parts. */
  uploadConcurrency: 4,
  maxAttempts: 8,
  retryMode: 'standard',
  contentType: { gzip: 'application/gzip', none: 'application/x-ndjson' },
  manifest: DEFAULT_MANIFEST_KEY,
} as const;

/** The options with defaults applied and templates parsed: what the rest of the sink reads. */
export interface ResolvedS3SinkOptions {
  readonly keyTemplate: readonly KeyTemplatePart[];
  /** Present with rollover: where part numbers go. */
  readonly partKeyTemplate: PartKeyTemplate | undefined;
  readonly rollover: RolloverLimits | undefined;
  readonly compression: Compression;
  /** Everything about a data object but its key. */
  readonly object: Omit<S3ObjectSpec, 'key'>;
  readonly partSizeBytes: number;
  readonly uploadConcurrency: number;
  /** The manifest key template, or undefined for no manifest. */
  readonly manifest: readonly KeyTemplatePart[] | undefined;
  readonly client: S3ClientOptions;
}

function parsed(template: string, allowed?: Parameters<typeof parseKeyTemplate>[1]): readonly KeyTemplatePart[] {
  const result = parseKeyTemplate(template, allowed);
  // checkS3SinkOptions has already reported any syntax problem.
  if (!result.ok) throw new EtlError('S3_SINK_OPTIONS_INVALID', result.message);
  return result.parts;
}

/** Checks (the core may not have run check()) and resolves; a bad template must never reach S3. */
export function resolveS3SinkOptions(options: S3SinkOptions): ResolvedS3SinkOptions {
  const problems = checkS3SinkOptions(options);
  if (problems.length > 0) {
    throw new EtlError('S3_SINK_OPTIONS_INVALID', `invalid s3.ndjson options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const compression = compressionOf(options);
  const keyTemplate = parsed(options.key);
  const manifest = options.manifest === false ? undefined : parsed(options.manifest ?? S3_SINK_DEFAULTS.manifest, MANIFEST_PLACEHOLDERS);
  return {
    keyTemplate,
    partKeyTemplate: options.rollover === undefined ? undefined : splitPartKeyTemplate(keyTemplate),
    rollover: options.rollover,
    compression,
    object: {
      bucket: options.bucket,
      contentType: options.contentType ?? S3_SINK_DEFAULTS.contentType[compression],
      storageClass: options.storageClass as StorageClass | undefined,
      metadata: options.metadata,
      endpoint: options.endpoint,
    },
    partSizeBytes: options.partSizeBytes ?? S3_SINK_DEFAULTS.partSizeBytes,
    uploadConcurrency: S3_SINK_DEFAULTS.uploadConcurrency,
    manifest,
    client: {
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      maxAttempts: options.retry?.maxAttempts ?? S3_SINK_DEFAULTS.maxAttempts,
      retryMode: options.retry?.mode ?? S3_SINK_DEFAULTS.retryMode,
    },
  };
}
