import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hold, tryHold } from './held-lease.js';
import { LeaseSemaphore } from './lease-semaphore.js';
import { redisOptions } from './redis-connection.js';
import { startRedis, type TestRedis } from './test-support/redis-server.js';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(redisOptions(server.url));
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe('LeaseSemaphore (real Redis)', () => {
  it('grants at most `limit` leases at once and frees a slot on release', async () => {
    const semaphore = new LeaseSemaphore(redis, 'test:limit', 2, { ttlMs: 10_000 });
    expect(await semaphore.tryAcquire('a')).toBe(true);
    expect(await semaphore.tryAcquire('b')).toBe(true);
    expect(await semaphore.tryAcquire('c')).toBe(false);
    expect(await semaphore.tryAcquire('a')).toBe(true); // a holder asking again keeps its one slot
    expect((await semaphore.holders()).sort()).toEqual(['a', 'b']);
    await semaphore.release('a');
    expect(await semaphore.tryAcquire('c')).toBe(true);
  });

  it('lets a lease that is not renewed expire (a crashed holder), and keeps a renewed one', async () => {
    // Renewals 200 ms apart under a 1 s TTL: 800 ms of slack for a loaded machine's late timers.
    const semaphore = new LeaseSemaphore(redis, 'test:expiry', 1, { ttlMs: 1_000 });
    expect(await semaphore.tryAcquire('crashed')).toBe(true);
    expect(await semaphore.tryAcquire('next')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await semaphore.renew('crashed')).toBe(false);
    expect(await semaphore.tryAcquire('next')).toBe(true);
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await semaphore.renew('next')).toBe(true);
    }
    expect(await semaphore.tryAcquire('third')).toBe(false);
  });

  it('holds a lease for as long as it is held (renewing it), and hands it to a waiter on release', async () => {
    // Renewed every 500 ms under a 1.5 s TTL: a second of slack for a loaded machine's late timers.
    const semaphore = new LeaseSemaphore(redis, 'test:hold', 1, { ttlMs: 1_500 });
    const first = await hold(semaphore, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 3_200)); // more than twice the time-to-live
    expect(await tryHold(semaphore)).toBeUndefined();
    const waiting = hold(semaphore, new AbortController().signal);
    await first.release();
    const second = await waiting;
    expect(await semaphore.holders()).toEqual([second.id]);
    await second.release();
  });

  it('stops waiting when aborted', async () => {
    const semaphore = new LeaseSemaphore(redis, 'test:abort', 1, { ttlMs: 5_000 });
    const held = await hold(semaphore, new AbortController().signal);
    const controller = new AbortController();
    const waiting = hold(semaphore, controller.signal);
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(waiting).rejects.toThrow('stop');
    await held.release();
  });
});
