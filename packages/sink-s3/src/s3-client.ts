import { S3Client } from '@aws-sdk/client-s3';
import type { S3SinkOptions } from './options.js';

const FALLBACK_REGION = 'us-east-1';

/** The SDK's own region chain (env, profile), but us-east-1 instead of "Region is missing". */
function regionWithFallback(): () => Promise<string> {
  const probe = new S3Client({});
  const chain = probe.config.region;
  probe.destroy();
  return async () => {
    try {
      return await chain();
    } catch {
      return FALLBACK_REGION;
    }
  };
}

/** One client per sink instance; credentials come from the SDK default provider chain. */
export function createS3Client(options: Pick<S3SinkOptions, 'region' | 'endpoint' | 'forcePathStyle'>): S3Client {
  return new S3Client({
    region: options.region ?? regionWithFallback(),
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          // The SDK's default (WHEN_SUPPORTED) sends streamed bodies aws-chunked with trailing checksums;
          // s3rver stores that framing as object data and MinIO versions differ in support, so against a
          // custom endpoint only the checksums an operation requires are sent and verified.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
  });
}
