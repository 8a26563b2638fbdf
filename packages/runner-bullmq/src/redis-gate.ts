import type { SourceCallGate, SourceGateFactory } from '@etl/core/host';
import type { Redis } from 'ioredis';
import { hold } from './held-lease.js';
import { LeaseSemaphore } from './lease-semaphore.js';

/** Shared state outlives any run that uses it by far, but does not stay in Redis forever. */
const STATE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Source gates held in Redis: the bulkhead of a source instance becomes a semaphore of leases every
 * worker process takes before each call, and the instance's `sharedState` (e.g. rate-limit windows)
 * travels with the lease: read before the call, written after it. With a bulkhead of 1 the workers'
 * calls are serialised and each one sees what the previous one learnt, as in one local process.
 */
export function redisSourceGates(redis: Redis, prefix: string, leaseTtlMs: number): SourceGateFactory {
  return ({ key, limit, sharedState }): SourceCallGate => {
    const semaphore = new LeaseSemaphore(redis, `${prefix}:lease:source:${key}`, limit, { ttlMs: leaseTtlMs });
    const stateKey = `${prefix}:source-state:${key}`;
    return {
      async execute<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
        const lease = await hold(semaphore, signal);
        try {
          if (sharedState) {
            const saved = await redis.get(stateKey);
            if (saved !== null) sharedState.restore(JSON.parse(saved) as unknown);
          }
          return await fn();
        } finally {
          try {
            if (sharedState) await redis.set(stateKey, JSON.stringify(sharedState.save()), 'PX', STATE_TTL_MS);
          } finally {
            await lease.release();
          }
        }
      },
    };
  };
}
