import type { SourceNotice } from '@etl/core';
import { abortableSleep } from './abortable-sleep.js';
import { policyWindowMs, rateLimitWindowOf, retryAtOf } from './rate-limit-headers.js';
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
  /** The reset the headers name: identifies the window (it is the same for every response of one window). */
  readonly headerResetMs: number;
  /** When the window is sure to have reset: the header's reset, or earlier when the window's length says so. */
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
      if (retryAt !== undefined) this.windows.set(origin, { remaining: 0, headerResetMs: retryAt.getTime(), resetsAtMs: retryAt.getTime() });
      return;
    }
    const window = rateLimitWindowOf(headers, nowMs);
    if (window === undefined) return;
    const current = this.windows.get(origin);
    const headerResetMs = window.resetsAt.getTime();
    const sameWindow = current !== undefined && current.headerResetMs === headerResetMs;
    // Responses of one window can arrive out of order: within a window, the lowest count is the truest.
    const remaining = sameWindow ? Math.min(current.remaining, window.remaining) : window.remaining;
    // atproto names the reset in whole seconds, rounded down, so waiting for it may waste up to a second per
    // window. But its windows are fixed (rate-limiter-flexible): one opens at the first call after the last
    // one expired and lasts exactly the policy's `w`. The window was already open when the server counted
    // this call, so it ends at most `w` from now (our clock only: no skew); the earliest response of a
    // window bounds its end the tightest.
    const lengthMs = policyWindowMs(window.policy);
    const boundMs = lengthMs === undefined ? headerResetMs : Math.min(headerResetMs, nowMs + lengthMs);
    const resetsAtMs = sameWindow ? Math.min(current.resetsAtMs, boundMs) : boundMs;
    this.windows.set(origin, { remaining, headerResetMs, resetsAtMs });
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

  /** What this pacer knows of every window still open, as JSON for other processes (see `restore`). */
  save(): SavedWindows {
    const nowMs = Date.now();
    return { windows: [...this.windows].filter(([, w]) => w.resetsAtMs > nowMs).map(([origin, w]) => [origin, { ...w }]) };
  }

  /**
   * Merges what another process learnt (queue workers pass it along with the source's bulkhead lease): of
   * one window the lower count and the earlier end are the truest; a later window replaces an earlier one.
   */
  restore(saved: unknown): void {
    if (!isSavedWindows(saved)) return;
    for (const [origin, theirs] of saved.windows) {
      const ours = this.windows.get(origin);
      if (ours === undefined || theirs.headerResetMs > ours.headerResetMs) this.windows.set(origin, { ...theirs });
      else if (theirs.headerResetMs === ours.headerResetMs) {
        this.windows.set(origin, { remaining: Math.min(ours.remaining, theirs.remaining), headerResetMs: ours.headerResetMs, resetsAtMs: Math.min(ours.resetsAtMs, theirs.resetsAtMs) });
      }
    }
  }
}

export interface SavedWindows {
  readonly windows: readonly (readonly [string, WindowState])[];
}

function isSavedWindows(value: unknown): value is SavedWindows {
  const windows = (value as { windows?: unknown } | null)?.windows;
  return (
    Array.isArray(windows) &&
    windows.every((entry: unknown) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') return false;
      const w = entry[1] as Partial<WindowState> | null;
      return typeof w?.remaining === 'number' && typeof w.headerResetMs === 'number' && typeof w.resetsAtMs === 'number';
    })
  );
}

