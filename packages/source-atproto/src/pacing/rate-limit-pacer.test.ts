import type { SourceNotice } from '@etl/core';
import { isAbortError } from '@etl/core';
import type { AppView, AppViewFaults } from '@etl/dev-servers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AtprotoCallError } from '../errors/atproto-call-error.js';
import { atprotoFollowers } from '../follow-graph-sources.js';
import { atprotoListMembers } from '../list-members-source.js';
import { actor, errorOf, graph, runPipeline, startGraphFixture } from '../test-support/graph-fixture.js';
import { policyWindowMs, rateLimitWindowOf, retryAtOf } from './rate-limit-headers.js';
import { RateLimitPacer } from './rate-limit-pacer.js';

const servers: AppView[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function fixture(options: Parameters<typeof startGraphFixture>[0]) {
  const server = await startGraphFixture(options);
  servers.push(server);
  return server;
}

describe('rate-limit headers', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it('read an atproto window: epoch-seconds reset, plus the second it was rounded down by', () => {
    const window = rateLimitWindowOf(new Headers({ 'ratelimit-remaining': '7', 'ratelimit-reset': String(now / 1000 + 30), 'ratelimit-policy': '3000;w=300' }), now);
    expect(window).toEqual({ remaining: 7, resetsAt: new Date(now + 31_000), policy: '3000;w=300' });
  });

  it('read a delay-seconds reset (IETF draft style) and ignore incomplete headers', () => {
    expect(rateLimitWindowOf({ 'ratelimit-remaining': '0', 'ratelimit-reset': '12' }, now)?.resetsAt).toEqual(new Date(now + 12_000));
    expect(rateLimitWindowOf({ 'ratelimit-remaining': '3' }, now)).toBeUndefined();
    expect(rateLimitWindowOf({ 'ratelimit-remaining': 'x', 'ratelimit-reset': '5' }, now)).toBeUndefined();
  });

  it('read the window length a ratelimit-policy names', () => {
    expect(policyWindowMs('3000;w=300')).toBe(300_000);
    expect(policyWindowMs('100;w=60, 3000;w=300')).toBe(60_000);
    expect(policyWindowMs('3000')).toBeUndefined();
    expect(policyWindowMs(undefined)).toBeUndefined();
  });

  it('prefer retry-after (seconds or HTTP date) for when a 429 may be retried', () => {
    expect(retryAtOf({ 'retry-after': '15', 'ratelimit-reset': String(now / 1000 + 300) }, now)).toEqual(new Date(now + 15_000));
    expect(retryAtOf({ 'retry-after': new Date(now + 60_000).toUTCString() }, now)).toEqual(new Date(now + 60_000));
    expect(retryAtOf({ 'ratelimit-reset': String(now / 1000 + 300) }, now)).toEqual(new Date(now + 301_000));
    expect(retryAtOf({}, now)).toBeUndefined();
  });
});

describe('RateLimitPacer', () => {
  const origin = 'https://appview.example';
  const headers = (remaining: number, resetMs: number) => ({ 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(Math.floor(resetMs / 1000)) });

  it('lets calls through while the window has more than minRemaining left, counting the calls in flight', async () => {
    const start = Date.UTC(2025, 0, 1);
    vi.useFakeTimers({ now: start });
    const pacer = new RateLimitPacer({ minRemaining: 2 });
    const notices: SourceNotice[] = [];
    const context = { signal: new AbortController().signal, report: (n: SourceNotice) => notices.push(n) };
    pacer.observe(origin, 200, headers(4, start + 60_000));
    await pacer.beforeCall(origin, context); // 4 -> 3
    await pacer.beforeCall(origin, context); // 3 -> 2
    let released = false;
    const third = pacer.beforeCall(origin, context).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toBe(false);
    expect(notices).toEqual([{ kind: 'paused', until: new Date(start + 61_000), reason: 'rate limited' }]);
    await vi.advanceTimersByTimeAsync(60_999);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toBe(true);
    await third;
  });

  it("ends a pause one policy window after the window's first response, before the rounded-down header reset", async () => {
    // 200 ms into a second: the header names second 2 (rounded down), which alone would mean waiting to second 3.
    const start = Date.UTC(2025, 0, 1, 0, 0, 0, 200);
    vi.useFakeTimers({ now: start });
    const pacer = new RateLimitPacer({ minRemaining: 0 });
    const notices: SourceNotice[] = [];
    const context = { signal: new AbortController().signal, report: (n: SourceNotice) => notices.push(n) };
    const windowHeaders = (remaining: number) => ({ ...headers(remaining, start + 2_000), 'ratelimit-policy': '3;w=2' });
    pacer.observe(origin, 200, windowHeaders(2)); // the window opened at or before now: it ends by start + 2 s
    await vi.advanceTimersByTimeAsync(500);
    pacer.observe(origin, 200, windowHeaders(0)); // a later response of the same window does not move its end
    let released = false;
    const next = pacer.beforeCall(origin, context).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(notices).toEqual([{ kind: 'paused', until: new Date(start + 2_000), reason: 'rate limited' }]);
    await vi.advanceTimersByTimeAsync(1_499);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toBe(true);
    await next;
  });

  it('closes the window after a 429 until its reset, and never pauses when turned off', async () => {
    vi.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
    const context = { signal: new AbortController().signal, report: () => undefined };
    const pacer = new RateLimitPacer({ minRemaining: 0 });
    pacer.observe(origin, 429, { 'retry-after': '10' });
    const waiting = pacer.beforeCall(origin, context);
    let done = false;
    void waiting.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);

    const off = new RateLimitPacer(false);
    off.observe(origin, 429, { 'retry-after': '10' });
    await off.beforeCall(origin, context);
  });

  it('ends a pause at once when the task is aborted', async () => {
    const pacer = new RateLimitPacer({ minRemaining: 5 });
    pacer.observe(origin, 200, headers(1, Date.now() + 60_000));
    const controller = new AbortController();
    const started = Date.now();
    const waiting = pacer.beforeCall(origin, { signal: controller.signal, report: () => undefined });
    setTimeout(() => controller.abort(), 50);
    expect(isAbortError(await errorOf(waiting))).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000); // the pause would last 60 s; a loaded machine gets a wide margin
  });
});

describe('pacing against the fixture rate limiter', () => {
  it('pages through several windows with no 429, pausing (and reporting it) before each window is spent', async () => {
    // 4 calls per second; with minRemaining 1, at most 3 go out per window.
    const server = await fixture({ rateLimit: { points: 4, durationMs: 1_000 } });
    const { summary, events } = await runPipeline({
      followers: { source: atprotoFollowers({ service: server.url, limit: 2, pacing: { minRemaining: 1 } }), partitions: [actor(9).handle] },
    });
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 12, pages: 7, retries: 0 });
    // 1 resolveHandle + 7 pages, nothing refused and repeated.
    expect(server.requests).toBe(8);
    expect(events.some((e) => e.type === 'retry-scheduled')).toBe(false);
    const pauses = events.filter((e) => e.type === 'task-paused');
    expect(pauses.length).toBeGreaterThanOrEqual(2);
    expect(pauses.every((e) => (e as { reason: string }).reason === 'rate limited')).toBe(true);
  });

  it('spends every window to its last call with minRemaining 0, and still provokes no 429', async () => {
    const server = await fixture({ rateLimit: { points: 3, durationMs: 1_000 } });
    const { summary, events } = await runPipeline({
      followers: { source: atprotoFollowers({ service: server.url, limit: 2, pacing: { minRemaining: 0 } }), partitions: [actor(9).did] },
    });
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 12, pages: 7, retries: 0 });
    expect(server.requests).toBe(7);
    expect(events.some((e) => e.type === 'retry-scheduled')).toBe(false);
  });

  it('provokes 429s with pacing off, which the policy then retries', async () => {
    const server = await fixture({ rateLimit: { points: 4, durationMs: 1_000 } });
    const { summary, events } = await runPipeline(
      { followers: { source: atprotoFollowers({ service: server.url, limit: 2, pacing: false, retryAt429: 'reset' }), partitions: [actor(9).did] } },
      { retry: { attempts: 5, backoff: { constant: '10ms' } } },
    );
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 12 });
    expect(summary.tasks[0]?.retries).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'task-paused')).toBe(false);
  });
});

describe('a forced 429', () => {
  /** Answers the first getList with a 429 closing the window for `seconds`, and records when each getList came. */
  function limitedOnce(headers: (nowMs: number) => Record<string, string>): { faults: AppViewFaults; times: number[] } {
    const times: number[] = [];
    return {
      times,
      faults: ({ nsid }) => {
        if (nsid !== 'app.bsky.graph.getList') return undefined;
        times.push(Date.now());
        return times.length === 1 ? { status: 429, error: 'RateLimitExceeded', headers: { 'ratelimit-remaining': '0', ...headers(Date.now()) } } : undefined;
      },
    };
  }
  const list = graph.lists![2]!.uri;
  const policy = { retry: { attempts: 3, backoff: { constant: '50ms' } } };

  it("is retried after the policy's delay with retryAt429: 'policy' (pacing off)", async () => {
    const { faults, times } = limitedOnce(() => ({ 'retry-after': '20' }));
    const server = await fixture({ faults });
    const { summary, events } = await runPipeline({ l: { source: atprotoListMembers({ service: server.url, pacing: false }), partitions: [list] } }, policy);
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', records: 3, retries: 1 });
    expect(events.find((e) => e.type === 'retry-scheduled')).toMatchObject({ delayMs: 50, error: { code: 'ATPROTO_RATE_LIMITED', status: 429 } });
    expect(times[1]! - times[0]!).toBeLessThan(10_000); // not the server's 20 s; a loaded machine gets a wide margin
  });

  it("waits until the server's reset with retryAt429: 'reset'", async () => {
    const { faults, times } = limitedOnce(() => ({ 'retry-after': '1' }));
    const server = await fixture({ faults });
    const { summary, events } = await runPipeline({ l: { source: atprotoListMembers({ service: server.url, pacing: false, retryAt429: 'reset' }), partitions: [list] } }, policy);
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', retries: 1 });
    const delay = (events.find((e) => e.type === 'retry-scheduled') as { delayMs: number }).delayMs;
    expect(delay).toBeGreaterThan(500);
    expect(delay).toBeLessThanOrEqual(1_000);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('holds the retry until the reset when pacing is on, reporting the pause, whatever the policy says', async () => {
    const { faults, times } = limitedOnce(() => ({ 'retry-after': '1' }));
    const server = await fixture({ faults });
    const { summary, events } = await runPipeline({ l: { source: atprotoListMembers({ service: server.url }), partitions: [list] } }, policy);
    expect(summary.tasks[0]).toMatchObject({ status: 'succeeded', retries: 1 });
    expect(events.find((e) => e.type === 'retry-scheduled')).toMatchObject({ delayMs: 50 });
    expect(events.find((e) => e.type === 'task-paused')).toMatchObject({ reason: 'rate limited' });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it("replaces the policy's 150 s by the time to the reset with 'reset', and keeps it with 'policy'", async () => {
    vi.useFakeTimers({ now: Date.UTC(2025, 0, 1), toFake: ['Date'] });
    const error = new AtprotoCallError('ATPROTO_RATE_LIMITED', 'rate limited', {
      method: 'app.bsky.graph.getList',
      service: 'https://public.api.bsky.app',
      status: 429,
      retryAt: new Date(Date.now() + 21_000),
    });
    const byReset = await atprotoListMembers.definition.create({ retryAt429: 'reset' });
    expect(byReset.retryDelayMs?.(error, 150_000)).toBe(21_000);
    expect(byReset.retryDelayMs?.(new Error('other'), 150_000)).toBe(150_000);
    const byPolicy = await atprotoListMembers.definition.create({});
    expect(byPolicy.retryDelayMs?.(error, 150_000)).toBe(150_000);
  });
});
