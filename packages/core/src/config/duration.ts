import type { Duration } from './config-types.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** The string form a duration may take; also used by the config schema so both agree. */
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h)$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Milliseconds of a validated duration (`150s`, `2m`, `500ms`, or a number of ms). */
export function durationToMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = DURATION_RE.exec(duration);
  if (!match) throw new TypeError(`not a duration: ${duration}`);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(Number.parseFloat(duration) * UNIT_MS[unit]);
}

/** `150000` -> `2:30`, for countdowns. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
