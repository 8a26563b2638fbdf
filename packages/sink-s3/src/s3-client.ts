import { S3Client } from '@aws-sdk/client-s3';

const FALLBACK_REGION = 'us-east-1';
const CONNECTION_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 120_000;

export type RetryMode = 'standard' | 'adaptive';

export interface S3ClientOptions {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly forcePathStyle?: boolean | undefined;
  /** Attempts per request, the first included (the SDK's own retry of throttling, 5xx and network errors). */
  readonly maxAttempts?: number | undefined;
  readonly retryMode?: RetryMode | undefined;
  /** Socket inactivity timeout of one request (default 120 s: a large part upload keeps the socket busy). */
  readonly requestTimeoutMs?: number | undefined;
}

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
export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region ?? regionWithFallback(),
    // A server that accepts connections and never answers must not hang a run: every request times out
    // (and is retried by the SDK like any network error).
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          // The SDK's default (WHEN_SUPPORTED) adds checksums that S3-compatibles support unevenly (s3rver
          // stores aws-chunked framing as data; MinIO versions differ), so against a custom endpoint only
          // the checksums an operation requires are sent and verified.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.retryMode === undefined ? {} : { retryMode: options.retryMode }),
  });
}
