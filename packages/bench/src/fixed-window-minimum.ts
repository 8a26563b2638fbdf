// The least time a run's calls could have taken under a fixed-window rate limit, at the caller's own pace.
//
// The fixture's limiter (xrpc-server's MemoryRateLimiter on rate-limiter-flexible's memory store) opens a
// window at the first call after the previous window expired and keeps it exactly W; it lets N calls
// through per window (refused calls count too, but they are wasted work and no part of the minimum). For
// a caller much faster than N calls per W, k x N calls therefore span at least
// (k - 1) x W + (N - 1) x gap from the first to the last, gap being its time from one call to the next.
//
// In general the minimum replays the run's accepted calls with the gaps the caller actually took between
// them (a slow, still-warming-up first window or a commit between tasks is the caller's own pace, which
// the limit does not set), except the gaps that ended by opening a new window: that is where a caller
// waits for a window to expire, so there only the caller's usual gap (the median) counts, and the replayed
// call waits exactly until the expiry when the window is full. What the run took beyond that minimum is
// time lost at window ends: waiting longer than needed, or pausing before a window was spent.
import { median } from './medians.js';

export interface FixedWindowLimit {
  /** N: calls per window. */
  readonly points: number;
  /** W. */
  readonly windowMs: number;
}

export interface RunWindows {
  /** First accepted call's arrival to the last one's. */
  readonly spanMs: number;
  /** The same calls at the caller's pace, as early as the limit allows: first to last. */
  readonly minimumMs: number;
  /** Median gap between consecutive accepted calls: the caller's usual pace. */
  readonly gapMs: number;
  /** Windows the run's calls fell into, as the server counted them. */
  readonly windows: number;
}

/** First to last of calls sent `gapsMs[i]` after the previous one, each held back while the window is full. */
export function replaySpanMs(gapsMs: readonly number[], limit: FixedWindowLimit): number {
  let at = 0;
  let windowOpen = 0;
  let inWindow = 1;
  for (const gap of gapsMs) {
    at += gap;
    if (at >= windowOpen + limit.windowMs) {
      windowOpen = at;
      inWindow = 1;
    } else if (inWindow < limit.points) {
      inWindow++;
    } else {
      at = windowOpen + limit.windowMs;
      windowOpen = at;
      inWindow = 1;
    }
  }
  return at;
}

/** `arrivalsMs`: when each accepted call arrived at the server, in order. */
export function fixedWindowMinimum(arrivalsMs: readonly number[], limit: FixedWindowLimit): RunWindows {
  const first = arrivalsMs[0];
  const last = arrivalsMs.at(-1);
  if (first === undefined || last === undefined || arrivalsMs.length < 2) throw new RangeError('need at least two calls');
  const gaps = arrivalsMs.slice(1).map((arrival, i) => arrival - (arrivalsMs[i] as number));
  const gapMs = median(gaps);
  // The run as the server counted it: which gaps ended by opening a new window.
  const paced: number[] = [];
  let open = first;
  let windows = 1;
  for (const [i, gap] of gaps.entries()) {
    const arrival = arrivalsMs[i + 1] as number;
    if (arrival >= open + limit.windowMs) {
      paced.push(Math.min(gap, gapMs));
      open = arrival;
      windows++;
    } else {
      paced.push(gap);
    }
  }
  return { spanMs: last - first, minimumMs: replaySpanMs(paced, limit), gapMs, windows };
}
