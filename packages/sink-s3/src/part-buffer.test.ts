import { describe, expect, it } from 'vitest';
import { PartBuffer } from './part-buffer.js';
import { PartPool } from './part-pool.js';

describe('PartBuffer', () => {
  it('cuts exact-size parts across chunk boundaries, in order', () => {
    const buffer = new PartBuffer();
    for (const text of ['abc', '', 'defg', 'h', 'ijklmnop']) buffer.append(Buffer.from(text));
    expect(buffer.size).toBe(16);
    expect(buffer.take(5).toString()).toBe('abcde');
    expect(buffer.take(5).toString()).toBe('fghij');
    expect(buffer.size).toBe(6);
    expect(buffer.takeAll().toString()).toBe('klmnop');
    expect(buffer.size).toBe(0);
    expect(buffer.takeAll()).toHaveLength(0);
  });

  it('with a pool: cuts the first part from chunks, then fills parts in place and hands them over uncopied', () => {
    const pool = new PartPool(4);
    const buffer = new PartBuffer(pool);
    for (const text of ['abc', 'defgh', 'ij']) buffer.append(Buffer.from(text));
    const first = buffer.take(4);
    expect(first.toString()).toBe('abcd');
    // From here bytes go straight into a pooled part: 'efgh' fills it, 'ij' and 'k' wait for the next.
    buffer.append(Buffer.from('k'));
    expect(buffer.size).toBe(7);
    const second = buffer.take(4);
    expect(second.toString()).toBe('efgh');
    expect(second).not.toBe(first);
    pool.release(first);
    expect(buffer.take(2).toString()).toBe('ij');
    expect(buffer.takeAll().toString()).toBe('k');
    expect(buffer.size).toBe(0);
    // Back in the pool: `first`, released by hand, and the part that was filling when a partial take
    // sent the buffer back to chunks. `second` was handed over and is not.
    const reused = [pool.acquire(), pool.acquire()];
    expect(reused).toContain(first);
    expect(reused).not.toContain(second);
    expect(new Set(reused).size).toBe(2);
  });

  it('refuses to take more than it holds', () => {
    const buffer = new PartBuffer();
    buffer.append(Buffer.from('ab'));
    expect(() => buffer.take(3)).toThrow(RangeError);
  });
});
