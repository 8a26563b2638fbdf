import { EtlError, isAbortError } from '@etl/core';

/** Where an object goes; named in every error so the user knows which object failed. */
export interface S3ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

const HINTS: Readonly<Record<string, string>> = {
  NoSuchBucket: 'create the bucket or correct the `bucket` option',
  AccessDenied: 'the credentials found by the AWS SDK lack s3:PutObject on this key',
  InvalidAccessKeyId: 'check the credentials found by the AWS SDK (AWS_ACCESS_KEY_ID, AWS_PROFILE, role)',
  SignatureDoesNotMatch: 'check the secret key found by the AWS SDK (AWS_SECRET_ACCESS_KEY, AWS_PROFILE)',
  CredentialsProviderError: 'no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE',
};

export function s3Url({ bucket, key }: S3ObjectLocation): string {
  return `s3://${bucket}/${key}`;
}

/** The S3 error code (SDK errors carry it as `name`) or a network code such as ECONNREFUSED. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, Code } = error as { name?: unknown; code?: unknown; Code?: unknown };
  for (const candidate of [Code, code, name]) {
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Wraps a failed upload so the message names the object and the S3 error code; aborts pass through. */
export function toS3WriteError(error: unknown, location: S3ObjectLocation): unknown {
  if (isAbortError(error) || error instanceof EtlError) return error;
  const code = errorCode(error) ?? 'UnknownError';
  const status = httpStatus(error);
  const detail = error instanceof Error && error.message !== '' && error.message !== code ? `: ${error.message}` : '';
  const hint = HINTS[code];
  const message =
    `writing ${s3Url(location)} failed with ${code}${status === undefined ? '' : ` (HTTP ${status})`}${detail}` +
    (hint === undefined ? '' : ` (${hint})`);
  return new EtlError('S3_WRITE_FAILED', message, { cause: error });
}

export function abortError(location: S3ObjectLocation, reason: unknown): Error {
  return Object.assign(new Error(`writing ${s3Url(location)} was aborted`, { cause: reason }), { name: 'AbortError' });
}
