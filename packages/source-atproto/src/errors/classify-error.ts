import { retryAtOf } from '../pacing/rate-limit-headers.js';
import { AtprotoCallError } from './atproto-call-error.js';
import type { AtprotoErrorCode } from './atproto-call-error.js';
import { causeChain, isNetworkFailure, isTimeout } from './network-failures.js';
import { isXrpcError } from './xrpc-error.js';

// XRPCError.status values (@atproto/xrpc's ResponseType, which @atproto/api does not re-export) that are not HTTP codes.
const STATUS_UNKNOWN = 1; // no HTTP response: fetch itself failed
const STATUS_INVALID_RESPONSE = 2; // a response that breaks the lexicon

// Error names worth retrying whatever HTTP status carried them (some servers and proxies disagree on it).
const RETRYABLE_XRPC_ERRORS = new Set(['RateLimitExceeded', 'UpstreamFailure', 'UpstreamTimeout', 'NotEnoughResources', 'InternalServerError']);
const DEACTIVATED = new Set(['AccountDeactivated', 'RepoDeactivated']);
const SUSPENDED = new Set(['AccountTakedown', 'RepoTakendown', 'RepoSuspended']);
const BLOCKED = new Set(['BlockedActor', 'BlockedByActor']);
const AUTH = new Set(['AuthenticationRequired', 'AuthMissing', 'ExpiredToken', 'InvalidToken']);
// How AppViews and PDSes word "no such actor / list / repo" in an InvalidRequest.
const NOT_FOUND_MESSAGE = /not found|could not find|unable to resolve|not registered/i;

export interface CallDescription {
  readonly method: string;
  /** Origin of the service called. */
  readonly service: string;
  readonly timeoutMs: number;
}

/** Turns whatever a call threw (XRPCError, fetch failure, timeout) into a classified AtprotoCallError. */
export function toAtprotoCallError(error: unknown, call: CallDescription): AtprotoCallError {
  if (error instanceof AtprotoCallError) return error;
  const details = { method: call.method, service: call.service, cause: error };
  const where = `${call.method} on ${call.service}`;

  if (!isXrpcError(error) || error.status === STATUS_UNKNOWN) {
    const chain = causeChain(error);
    if (chain.some(isTimeout)) {
      return new AtprotoCallError('ATPROTO_TIMEOUT', `${where} gave no complete answer within timeoutMs (${call.timeoutMs} ms); retrying under the pipeline policy`, details);
    }
    const network = chain.find(isNetworkFailure);
    if (network !== undefined) {
      return new AtprotoCallError('ATPROTO_NETWORK', `could not reach ${call.service} for ${call.method} (${describeNetworkFailure(chain)}); retrying under the pipeline policy`, details);
    }
    return new AtprotoCallError('ATPROTO_REQUEST_FAILED', `${where} failed: ${messageOf(error)}`, details);
  }

  if (error.status === STATUS_INVALID_RESPONSE) {
    return new AtprotoCallError(
      'ATPROTO_INVALID_RESPONSE',
      `${where} answered a response that breaks the ${call.method} lexicon (${messageOf(error.cause ?? error)}); the service may run an incompatible API version`,
      details,
    );
  }

  const status = error.status;
  const name = error.error;
  const answered = `${where} answered ${status}${name ? ` ${name}` : ''}${error.message && error.message !== name ? `: ${error.message}` : ''}`;
  const full = { ...details, status, error: name };
  const code = codeOf(status, name, error.message);
  switch (code) {
    case 'ATPROTO_RATE_LIMITED': {
      const retryAt = retryAtOf(error.headers ?? {});
      const resets = retryAt ? `; the rate-limit window resets at ${retryAt.toISOString()}` : '';
      return new AtprotoCallError(code, `rate limited: ${answered}${resets}`, { ...full, retryAt });
    }
    case 'ATPROTO_UNAVAILABLE':
      return new AtprotoCallError(code, `${answered}; retrying under the pipeline policy`, full);
    case 'ATPROTO_AUTH':
      return new AtprotoCallError(code, `authentication failed: ${answered}`, full);
    case 'ATPROTO_NOT_SUPPORTED':
      return new AtprotoCallError(code, `${answered}; the service does not implement ${call.method} (is the service URL right?)`, full);
    default:
      return new AtprotoCallError(code, answered, full);
  }
}

function codeOf(status: number, name: string | undefined, message: string): AtprotoErrorCode {
  if (status === 429 || name === 'RateLimitExceeded') return 'ATPROTO_RATE_LIMITED';
  // 501 is a permanent "not here": retrying it for ten minutes would only delay the failure.
  if (status === 501 || name === 'MethodNotImplemented' || status === 404) return 'ATPROTO_NOT_SUPPORTED';
  if (status >= 500 || (name !== undefined && RETRYABLE_XRPC_ERRORS.has(name))) return 'ATPROTO_UNAVAILABLE';
  if (status === 401 || (name !== undefined && AUTH.has(name))) return 'ATPROTO_AUTH';
  if (name !== undefined && DEACTIVATED.has(name)) return 'ATPROTO_ACCOUNT_DEACTIVATED';
  if (name !== undefined && SUSPENDED.has(name)) return 'ATPROTO_ACCOUNT_SUSPENDED';
  if (name !== undefined && BLOCKED.has(name)) return 'ATPROTO_BLOCKED';
  if (status === 403) return 'ATPROTO_FORBIDDEN';
  if (status === 400 && NOT_FOUND_MESSAGE.test(message)) return 'ATPROTO_NOT_FOUND';
  if (status === 400) return 'ATPROTO_INVALID_REQUEST';
  return 'ATPROTO_REQUEST_FAILED';
}

function describeNetworkFailure(chain: readonly unknown[]): string {
  for (const link of chain) {
    const code = (link as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return code;
  }
  return messageOf(chain.at(-1));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
