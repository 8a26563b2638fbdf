import { EtlError } from '@etl/core';

/**
 * Stable codes of failed AT Protocol calls. The first group is retried under the pipeline policy; the others
 * fail (or, for a missing actor with `onMissingActor: 'skip'`, skip) only the partition concerned.
 */
export type AtprotoErrorCode =
  | 'ATPROTO_RATE_LIMITED'
  | 'ATPROTO_UNAVAILABLE'
  | 'ATPROTO_NETWORK'
  | 'ATPROTO_TIMEOUT'
  | 'ATPROTO_NOT_FOUND'
  | 'ATPROTO_ACCOUNT_DEACTIVATED'
  | 'ATPROTO_ACCOUNT_SUSPENDED'
  | 'ATPROTO_BLOCKED'
  | 'ATPROTO_AUTH'
  | 'ATPROTO_FORBIDDEN'
  | 'ATPROTO_INVALID_REQUEST'
  | 'ATPROTO_NOT_SUPPORTED'
  | 'ATPROTO_INVALID_RESPONSE'
  | 'ATPROTO_REQUEST_FAILED';

const RETRYABLE_CODES: ReadonlySet<AtprotoErrorCode> = new Set(['ATPROTO_RATE_LIMITED', 'ATPROTO_UNAVAILABLE', 'ATPROTO_NETWORK', 'ATPROTO_TIMEOUT']);

/** The codes that mean "this actor's data is not there to be had"; `onMissingActor: 'skip'` skips them. */
export const MISSING_ACTOR_CODES: ReadonlySet<AtprotoErrorCode> = new Set(['ATPROTO_NOT_FOUND', 'ATPROTO_ACCOUNT_DEACTIVATED', 'ATPROTO_ACCOUNT_SUSPENDED']);

export interface AtprotoCallErrorDetails {
  /** The XRPC method (or `DID document`) that failed. */
  readonly method: string;
  /** The origin of the service called, e.g. `https://public.api.bsky.app`. */
  readonly service: string;
  /** HTTP status, absent when no response arrived. */
  readonly status?: number | undefined;
  /** The XRPC error name from the response body, e.g. `RateLimitExceeded`, `AccountDeactivated`. */
  readonly error?: string | undefined;
  /** For a 429: when the server's rate-limit window resets (from `ratelimit-reset` or `retry-after`). */
  readonly retryAt?: Date | undefined;
  readonly cause?: unknown;
}

/**
 * A failed AT Protocol call, classified: a stable `code`, whether it is worth retrying, and a message that
 * says what happened and what the user can do. `status` and `error` keep the server's own answer.
 */
export class AtprotoCallError extends EtlError {
  declare readonly code: AtprotoErrorCode;
  readonly retryable: boolean;
  readonly method: string;
  readonly service: string;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly retryAt: Date | undefined;

  constructor(code: AtprotoErrorCode, message: string, details: AtprotoCallErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = RETRYABLE_CODES.has(code);
    this.method = details.method;
    this.service = details.service;
    this.status = details.status;
    this.error = details.error;
    this.retryAt = details.retryAt;
  }

  /** The same failure told from the caller's point of view (e.g. naming the actor), keeping code and details. */
  withMessage(message: string, code: AtprotoErrorCode = this.code): AtprotoCallError {
    const { method, service, status, error, retryAt } = this;
    return new AtprotoCallError(code, message, { method, service, status, error, retryAt, cause: this.cause });
  }
}

export function isAtprotoCallError(error: unknown): error is AtprotoCallError {
  return error instanceof AtprotoCallError;
}
