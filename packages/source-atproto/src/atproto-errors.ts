import { XRPCError } from '@atproto/api';
import { isAbortError } from '@etl/core';

// XRPCError.status values (@atproto/xrpc's ResponseType, which @atproto/api does not re-export) that are not HTTP codes.
const STATUS_UNKNOWN = 1; // no HTTP response: fetch itself failed
const STATUS_INVALID_RESPONSE = 2; // a response that breaks the lexicon

// Error names worth retrying whatever HTTP status carried them (some servers and proxies disagree on it).
const RETRYABLE_XRPC_ERRORS = new Set(['RateLimitExceeded', 'UpstreamFailure', 'UpstreamTimeout', 'NotEnoughResources', 'InternalServerError']);

// Node/undici codes of failures below HTTP: resets, refusals, DNS, socket and connect timeouts.
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/**
 * True when a failed AT Protocol call may succeed if repeated: rate limits, 5xx, upstream failures,
 * network failures and per-request timeouts. False for client errors (400 unknown actor, 401, 403, 404),
 * malformed responses, and aborts (the run was cancelled: retrying would defeat it).
 */
export function isRetryableAtprotoError(error: unknown): boolean {
  const chain = causeChain(error);
  if (chain.some(isAbortError)) return false;
  if (error instanceof XRPCError && error.status !== STATUS_UNKNOWN) {
    if (error.status === STATUS_INVALID_RESPONSE) return false;
    return error.status === 429 || error.status >= 500 || RETRYABLE_XRPC_ERRORS.has(error.error);
  }
  // XRPCError with status Unknown wraps whatever fetch threw; look at what that was.
  return chain.some(isNetworkFailure);
}

function isNetworkFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'TimeoutError') return true;
  if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) return true;
  // undici reports every failure below HTTP as this TypeError, with the detail in `cause`.
  return error instanceof TypeError && message === 'fetch failed';
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}
