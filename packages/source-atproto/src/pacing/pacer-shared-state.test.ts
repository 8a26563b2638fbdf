import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitPacer } from './rate-limit-pacer.js';

const origin = 'https://appview.example';
const start = Date.UTC(2025, 0, 1);
const headers = (remaining: number, resetMs: number) => ({ 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(Math.floor(resetMs / 1000)) });
const context = () => ({ signal: new AbortController().signal, report: vi.fn() });

afterEach(() => {
  vi.useRealTimers();
});

describe('RateLimitPacer shared state (what queue workers hand each other)', () => {
  it('lets a process that learnt nothing yet pause for a window another process spent', async () => {
    vi.useFakeTimers({ now: start });
    const spender = new RateLimitPacer({ minRemaining: 0 });
    spender.observe(origin, 200, headers(0, start + 30_000));
    const fresh = new RateLimitPacer({ minRemaining: 0 });
    fresh.restore(JSON.parse(JSON.stringify(spender.save())));
    const ctx = context();
    let released = false;
    void fresh.beforeCall(origin, ctx).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(released).toBe(false);
    expect(ctx.report).toHaveBeenCalledWith(expect.objectContaining({ kind: 'paused', reason: 'rate limited' }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(released).toBe(true);
  });

  it('keeps the lower count of one window and takes a later window whole; ignores what is not its state', async () => {
    vi.useFakeTimers({ now: start });
    const ours = new RateLimitPacer({ minRemaining: 0 });
    ours.observe(origin, 200, headers(5, start + 30_000));
    const theirs = new RateLimitPacer({ minRemaining: 0 });
    theirs.observe(origin, 200, headers(1, start + 30_000));
    ours.restore(theirs.save());
    await ours.beforeCall(origin, context()); // 1 -> 0
    let released = false;
    void ours.beforeCall(origin, context()).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(released).toBe(false);

    const later = new RateLimitPacer({ minRemaining: 0 });
    later.observe(origin, 200, headers(9, start + 90_000));
    const next = new RateLimitPacer({ minRemaining: 0 });
    next.observe(origin, 200, headers(0, start + 30_000));
    next.restore(later.save());
    await next.beforeCall(origin, context()); // the later window has 9 left: no wait
    next.restore({ windows: 'nonsense' });
    next.restore(null);
    expect(next.save().windows.map(([o, w]) => [o, w.remaining])).toEqual([[origin, 8]]);
  });

  it('saves only windows still open', () => {
    vi.useFakeTimers({ now: start });
    const pacer = new RateLimitPacer({ minRemaining: 0 });
    pacer.observe(origin, 200, headers(3, start + 5_000));
    vi.setSystemTime(start + 10_000);
    expect(pacer.save()).toEqual({ windows: [] });
  });
});
