import { describe, expect, it } from 'vitest';
import { PartBuffer } from './part-buffer.js';

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

  it('refuses to take more than it holds', () => {
    const buffer = new PartBuffer();
    buffer.append(Buffer.from('ab'));
    expect(() => buffer.take(3)).toThrow(RangeError);
  });
});
