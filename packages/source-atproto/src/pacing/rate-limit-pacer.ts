import type { SourceNotice } from '@etl/core';
import { abortableSleep } from './abortable-sleep.js';
import { rateLimitWindowOf, retryAtOf } from './rate-limit-headers.js';
import type { HeaderSource } from './rate-limit-headers.js';

export interface PacingSettings {
  /** Pause once a window has this many calls left or fewer. */
  readonly minRemaining: number;
}

/** Who is about to call: the task's signal (pauses end on abort) and where to report a pause. */
export interface PaceContext {
  readonly signal: AbortSignal;
  readonly report: (notice: SourceNotice) => void;
}

interface WindowState {
  /** Calls left, as the last response said, minus the calls let through since (so concurrent calls count). */
  remaining: number;
  readonly resetsAtMs: number;
}

/**
 * Spends a service's rate-limit budget without ever provoking a 429: every response's `ratelimit-*` headers
 * update the window of its origin, and a call that would leave `minRemaining` or fewer calls in the window
 * first waits until the window resets, reporting the pause. A 429 (or `retry-after`) closes the window until
 * its reset, so whatever the retry policy, the next call to that origin waits for the server's reset too.
 *
 * One pacer per source instance: tasks sharing the instance share its view of every service's budget.
 */
export class RateLimitPacer {
  private readonly windows = new Map<string, WindowState>();

  constructor(private readonly settings: PacingSettings | false) {}

  /** Learns from a response (success or error) of `origin`. */
  observe(origin: string, status: number, headers: HeaderSource): void {
    const nowMs = Date.now();
    if (status === 429) {
      const retryAt = retryAtOf(headers, nowMs);
      if (retryAt !== undefined) this.windows.set(origin, { remaining: 0, resetsAtMs: retryAt.getTime() });
      return;
    }
    const window = rateLimitWindowOf(headers, nowMs);
    if (window === undefined) return;
    const current = this.windows.get(origin);
    const resetsAtMs = window.resetsAt.getTime();
    // Responses of one window can arrive out of order: within a window, the lowest count is the truest.
    const remaining = current !== undefined && current.resetsAtMs === resetsAtMs ? Math.min(current.remaining, window.remaining) : window.remaining;
    this.windows.set(origin, { remaining, resetsAtMs });
  }

  /** Resolves when a call to `origin` may go out; waits (and reports) while the window is spent. */
  async beforeCall(origin: string, context: PaceContext): Promise<void> {
    if (this.settings === false) return;
    for (;;) {
      const window = this.windows.get(origin);
      const nowMs = Date.now();
      if (window === undefined || nowMs >= window.resetsAtMs) {
        // The window has reset (or was never seen): the next response tells the new budget.
        this.windows.delete(origin);
        return;
      }
      if (window.remaining > this.settings.minRemaining) {
        window.remaining--;
        return;
      }
      context.report({ kind: 'paused', until: new Date(window.resetsAtMs), reason: 'rate limited' });
      await abortableSleep(window.resetsAtMs - nowMs, context.signal);
    }
  }
}
