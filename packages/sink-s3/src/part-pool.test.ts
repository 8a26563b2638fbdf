import { describe, expect, it } from 'vitest';
import { PartPool } from './part-pool.js';

describe('PartPool', () => {
  it('hands out part-size buffers and reuses released ones instead of allocating', () => {
    const pool = new PartPool(16);
    const first = pool.acquire();
    const second = pool.acquire();
    expect(first).toHaveLength(16);
    expect(second).not.toBe(first);
    pool.release(first);
    expect(pool.acquire()).toBe(first);
    expect(pool.acquire()).not.toBe(second);
  });

  it('refuses a buffer released twice or of another size, which would hand one buffer to two parts', () => {
    const pool = new PartPool(16);
    const part = pool.acquire();
    pool.release(part);
    expect(() => pool.release(part)).toThrow(/twice/);
    expect(() => pool.release(Buffer.alloc(8))).toThrow(RangeError);
  });
});
