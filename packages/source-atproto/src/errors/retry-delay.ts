import { AtprotoCallError } from './atproto-call-error.js';

export type RetryAt429 = 'policy' | 'reset';

/**
 * The wait before retrying `error`: the policy's own delay, except for a 429 under `'reset'`, which waits
 * exactly until the server's window resets (never less than nothing, never the policy's 150 s guess).
 */
export function retryDelayMs(mode: RetryAt429, error: unknown, policyDelayMs: number, nowMs = Date.now()): number {
  if (mode !== 'reset' || !(error instanceof AtprotoCallError) || error.code !== 'ATPROTO_RATE_LIMITED' || error.retryAt === undefined) {
    return policyDelayMs;
  }
  return Math.max(0, error.retryAt.getTime() - nowMs);
}
