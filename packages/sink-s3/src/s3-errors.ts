import { EtlError, isAbortError } from '@etl/core';

/** Where an object goes; named in every error so the user knows which object failed. */
export interface S3ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** What a failed request was doing, for the message. */
export interface S3FailureContext extends S3ObjectLocation {
  /** The S3 operation, e.g. `UploadPart 3` or `CompleteMultipartUpload`. */
  readonly operation: string;
  /** The `endpoint` option, when the user set one. */
  readonly endpoint?: string | undefined;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'TimeoutError']);
const REGION_MISMATCH = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'Redirect']);
const SERVER_SIDE = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'Throttling', 'ThrottlingException']);

function hintFor(code: string, status: number | undefined, context: S3FailureContext): string | undefined {
  if (code === 'NoSuchBucket') return `the bucket '${context.bucket}' does not exist${context.endpoint ? ` at ${context.endpoint}` : ' in this account'}: create it or correct the \`bucket\` option`;
  if (code === 'AccessDenied' || code === 'AllAccessDisabled') {
    return 'the credentials found by the AWS SDK may not do this: the sink needs s3:PutObject and s3:AbortMultipartUpload on its keys, with rollover also s3:ListBucket and s3:DeleteObject, and the manifest needs s3:PutObject on its key';
  }
  if (code === 'InvalidAccessKeyId') return 'check the credentials found by the AWS SDK (AWS_ACCESS_KEY_ID, AWS_PROFILE, role)';
  if (code === 'SignatureDoesNotMatch') return 'check the secret key found by the AWS SDK (AWS_SECRET_ACCESS_KEY, AWS_PROFILE)';
  if (code === 'CredentialsProviderError') return 'no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE';
  if (REGION_MISMATCH.has(code) || status === 301 || status === 307) {
    return `the bucket '${context.bucket}' is in another region or behind another endpoint: set the \`region\` option (or AWS_REGION) to the bucket's region`;
  }
  if (UNREACHABLE.has(code)) return `cannot reach ${context.endpoint ?? 'S3'}: check the \`endpoint\` option and the network`;
  if (SERVER_SIDE.has(code) || (status !== undefined && status >= 500)) {
    return 'S3 kept failing: retry the run later, or raise `retry.maxAttempts`';
  }
  return undefined;
}

export function s3Url({ bucket, key }: S3ObjectLocation): string {
  return `s3://${bucket}/${key}`;
}

/** The S3 error code (SDK errors carry it as `name`) or a network code such as ECONNREFUSED. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, Code } = error as { name?: unknown; code?: unknown; Code?: unknown };
  for (const candidate of [Code, code, name]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== 'S3ServiceException') return candidate;
  }
  return undefined;
}

function metadataOf(error: unknown): { status?: number; attempts?: number } {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown; attempts?: unknown } } | null)?.$metadata;
  return {
    ...(typeof metadata?.httpStatusCode === 'number' ? { status: metadata.httpStatusCode } : {}),
    ...(typeof metadata?.attempts === 'number' ? { attempts: metadata.attempts } : {}),
  };
}

/**
 * Wraps a failed request so the message names the object, the operation, the S3 error code, the attempts
 * the SDK made and what to do about it. Aborts and our own errors pass through.
 */
export function toS3WriteError(error: unknown, context: S3FailureContext): unknown {
  if (isAbortError(error) || error instanceof EtlError) return error;
  const code = errorCode(error) ?? 'UnknownError';
  const { status, attempts } = metadataOf(error);
  const raw = error instanceof Error ? error.message : '';
  const detail = raw !== '' && raw !== code && raw !== 'UnknownError' ? `: ${raw}` : '';
  const hint = hintFor(code, status, context);
  // The SDK names an error `Unknown` when the body is no S3 error document (a proxy's or gateway's page): say so.
  const answered =
    status !== undefined && (code === 'Unknown' || code === 'UnknownError') ? `HTTP ${status} without an S3 error document` : `${code}${status === undefined ? '' : ` (HTTP ${status})`}`;
  const message =
    `writing ${s3Url(context)} failed: ${context.operation} answered ${answered}${attempts === undefined || attempts <= 1 ? '' : ` after ${attempts} attempts`}${detail}` +
    (hint === undefined ? '' : ` (${hint})`);
  return new EtlError('S3_WRITE_FAILED', message, { cause: error });
}

export function abortError(location: S3ObjectLocation, reason: unknown): Error {
  return Object.assign(new Error(`writing ${s3Url(location)} was aborted`, { cause: reason }), { name: 'AbortError' });
}

/**
 * One line for a failed HeadBucket (the sink's check before any data is fetched): HeadBucket answers with a
 * status and no error document, so 404 and 403 are told apart by status.
 */
export function toS3CheckError(error: unknown, context: { readonly bucket: string; readonly endpoint?: string | undefined }): unknown {
  if (isAbortError(error) || error instanceof EtlError) return error;
  const code = errorCode(error) ?? 'UnknownError';
  const { status, attempts } = metadataOf(error);
  const where = context.endpoint ? ` at ${context.endpoint}` : '';
  const target = `s3://${context.bucket}`;
  if (status === 404 || code === 'NotFound' || code === 'NoSuchBucket') {
    return new EtlError('S3_NO_SUCH_BUCKET', `${target}: no such bucket${where} (create it or correct the \`bucket\` option); nothing was fetched`, { cause: error });
  }
  if (status === 403 || code === 'Forbidden' || code === 'AccessDenied' || code === 'AllAccessDisabled') {
    return new EtlError(
      'S3_ACCESS_DENIED',
      `${target}: access denied${where} (HeadBucket needs s3:ListBucket on the bucket; check the credentials found by the AWS SDK); nothing was fetched`,
      { cause: error },
    );
  }
  const hint = hintFor(code, status, { bucket: context.bucket, key: '', operation: 'HeadBucket', endpoint: context.endpoint });
  const answered = `${code}${status === undefined ? '' : ` (HTTP ${status})`}${attempts === undefined || attempts <= 1 ? '' : ` after ${attempts} attempts`}`;
  return new EtlError('S3_CHECK_FAILED', `${target}: HeadBucket answered ${answered}${hint === undefined ? '' : ` (${hint})`}; nothing was fetched`, { cause: error });
}
