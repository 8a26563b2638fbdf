import { isAbortError } from '@etl/core';
import { AtprotoCallError } from './atproto-call-error.js';
import { toAtprotoCallError } from './classify-error.js';
import { causeChain } from './network-failures.js';

/**
 * True when a failed AT Protocol call may succeed if repeated: rate limits, 5xx (but 501), upstream failures,
 * network failures and per-request timeouts. False for client errors (400 unknown actor, 401, 403, 404),
 * malformed responses, and aborts (the run was cancelled: retrying would defeat it). Takes the sources'
 * classified errors as well as raw `XRPCError`s and fetch failures.
 */
export function isRetryableAtprotoError(error: unknown): boolean {
  if (causeChain(error).some(isAbortError)) return false;
  if (error instanceof AtprotoCallError) return error.retryable;
  // An XRPCError is an Error too; toAtprotoCallError tells it apart.
  if (error instanceof Error) {
    return toAtprotoCallError(error, { method: 'call', service: 'service', timeoutMs: 0 }).retryable;
  }
  return false;
}
