/** Response headers either as a fetch `Headers` or as the plain lowercase object XRPC responses carry. */
export type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

/** What one response said about the caller's rate-limit window. */
export interface RateLimitWindow {
  /** Calls left in the window (`ratelimit-remaining`). */
  readonly remaining: number;
  /** The earliest moment the window is sure to have reset. */
  readonly resetsAt: Date;
  /** `ratelimit-policy`, e.g. `3000;w=300`, for messages. */
  readonly policy?: string | undefined;
}

// Below this, a `ratelimit-reset` is a delay in seconds (IETF draft style), not an epoch time (atproto style).
const EPOCH_SECONDS_FLOOR = 1_000_000_000;
// atproto servers round the reset down to whole seconds (Math.floor((now + msBeforeNext) / 1000)), so the
// window may still be closed for up to a second after the second the header names.
const RESET_ROUNDING_MS = 1_000;

/** The window a response describes, or undefined when it carries no usable `ratelimit-*` headers. */
export function rateLimitWindowOf(headers: HeaderSource, nowMs = Date.now()): RateLimitWindow | undefined {
  const remaining = numberHeader(headers, 'ratelimit-remaining');
  const reset = numberHeader(headers, 'ratelimit-reset');
  if (remaining === undefined || reset === undefined) return undefined;
  return { remaining, resetsAt: new Date(resetMs(reset, nowMs)), policy: header(headers, 'ratelimit-policy') };
}

/**
 * When a refused (429) call may be repeated: `retry-after` (seconds or an HTTP date) if present, else the
 * `ratelimit-reset` of the window; undefined when the response says neither.
 */
export function retryAtOf(headers: HeaderSource, nowMs = Date.now()): Date | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && retryAfter.trim() !== '') return new Date(nowMs + Math.max(0, seconds) * 1_000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return new Date(date);
  }
  const reset = numberHeader(headers, 'ratelimit-reset');
  return reset === undefined ? undefined : new Date(resetMs(reset, nowMs));
}

/**
 * The window length a `ratelimit-policy` names (`3000;w=300`: 300 s), in milliseconds; undefined without one.
 * With a list of policies (`100;w=60, 3000;w=300`) the first is the one the other headers describe.
 */
export function policyWindowMs(policy: string | undefined): number | undefined {
  const first = policy?.split(',')[0];
  const match = first === undefined ? null : /(?:^|;)\s*w\s*=\s*(\d+(?:\.\d+)?)\s*(?:;|$)/.exec(first);
  if (match === null) return undefined;
  const seconds = Number(match[1]);
  return seconds > 0 ? seconds * 1_000 : undefined;
}

function resetMs(reset: number, nowMs: number): number {
  return reset < EPOCH_SECONDS_FLOOR ? nowMs + reset * 1_000 : reset * 1_000 + RESET_ROUNDING_MS;
}

function numberHeader(headers: HeaderSource, name: string): number | undefined {
  const value = header(headers, name);
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  return headers[name] ?? undefined;
}
