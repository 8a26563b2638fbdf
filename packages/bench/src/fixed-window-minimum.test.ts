import { describe, expect, it } from 'vitest';
import { fixedWindowMinimum, replaySpanMs } from './fixed-window-minimum.js';

const limit = { points: 3, windowMs: 1_000 };
const every = (calls: number, gap: number): number[] => Array.from({ length: calls - 1 }, () => gap);

describe('fixed-window minimum', () => {
  it('is (k - 1) x W + (N - 1) x gap for a caller much faster than the limit', () => {
    expect(replaySpanMs(every(9, 10), limit)).toBe(2_020);
    expect(replaySpanMs(every(10, 10), limit)).toBe(3_000);
  });

  it("is the caller's own time when it is slower than the limit", () => {
    expect(replaySpanMs(every(5, 400), limit)).toBe(1_600);
  });

  it('counts waiting past a window\'s expiry as lost, and the caller\'s own slow gaps as its pace', () => {
    // 3 full windows, each opened 300 ms after the previous one expired; a 200 ms gap inside the second.
    const arrivals = [0, 10, 20, 1_300, 1_500, 1_510, 2_600, 2_610, 2_620];
    expect(fixedWindowMinimum(arrivals, limit)).toEqual({ spanMs: 2_620, minimumMs: 2_020, gapMs: 10, windows: 3 });
  });

  it('counts a pause before a window was spent as lost', () => {
    // 2 calls per window where 3 were allowed: the replay fits the 6 calls into 2 windows.
    const arrivals = [0, 10, 1_000, 1_010, 2_000, 2_010];
    expect(fixedWindowMinimum(arrivals, limit)).toMatchObject({ spanMs: 2_010, minimumMs: 1_020, windows: 3 });
  });
});
