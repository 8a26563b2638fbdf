import type { SourceSharedState } from '@etl/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisOptions } from './redis-connection.js';
import { redisSourceGates } from './redis-gate.js';
import { startRedis, type TestRedis } from './test-support/redis-server.js';

let server: TestRedis;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await server?.stop();
});

/** One "worker process": its own connection, its own gate and its own copy of the source's state. */
function processWith(state: { calls: number }) {
  const redis = new Redis(redisOptions(server.url));
  connections.push(redis);
  const shared: SourceSharedState = {
    save: () => ({ calls: state.calls }),
    restore: (saved) => (state.calls = Math.max(state.calls, (saved as { calls: number }).calls)),
  };
  return redisSourceGates(redis, 'test', 2_000)({ key: 'src@feeds', limit: 1, sharedState: shared });
}

describe('Redis source gates', () => {
  it('let one call of a source run at a time across processes, each seeing the state the previous call left', async () => {
    const states = [{ calls: 0 }, { calls: 0 }, { calls: 0 }];
    const gates = states.map(processWith);
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: number[] = [];
    const call = (i: number) => async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const state = states[i] as { calls: number };
      seen.push(state.calls);
      state.calls++; // what this process learnt during its call
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      return i;
    };
    await Promise.all(Array.from({ length: 12 }, (_, n) => gates[n % 3]!.execute(call(n % 3), new AbortController().signal)));
    expect(maxInFlight).toBe(1);
    // Every call started from everything the calls before it learnt, whichever process made them.
    expect(seen).toEqual([...Array(12).keys()]);
  });

  it('passes on the result and the error of the call, and frees the lease either way', async () => {
    const gate = processWith({ calls: 0 });
    const signal = new AbortController().signal;
    await expect(gate.execute(() => Promise.reject(new Error('boom')), signal)).rejects.toThrow('boom');
    await expect(gate.execute(async () => 'ok', signal)).resolves.toBe('ok');
  });
});
