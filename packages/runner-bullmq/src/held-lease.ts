import { randomUUID } from 'node:crypto';
import { abortReason } from '@etl/core';
import type { LeaseSemaphore } from './lease-semaphore.js';

export interface HeldLease {
  readonly id: string;
  release(): Promise<void>;
}

const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

/**
 * Takes a lease now or never: renewed every third of its time-to-live while held, so it outlives any
 * call but not its process.
 */
export async function tryHold(semaphore: LeaseSemaphore): Promise<HeldLease | undefined> {
  const id = randomUUID();
  if (!(await semaphore.tryAcquire(id))) return undefined;
  const renewal = setInterval(() => void semaphore.renew(id).catch(() => undefined), Math.max(50, Math.floor(semaphore.ttlMs / 3)));
  renewal.unref();
  let released = false;
  return {
    id,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      await semaphore.release(id).catch(() => undefined); // an unreleased lease expires by itself
    },
  };
}

/** Waits for a lease, polling with a growing interval; rejects with the abort reason when `signal` aborts. */
export async function hold(semaphore: LeaseSemaphore, signal: AbortSignal): Promise<HeldLease> {
  for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(MAX_POLL_MS, pollMs * 2)) {
    if (signal.aborted) throw abortReason(signal);
    const lease = await tryHold(semaphore);
    if (lease) return lease;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
