import { afterEach, describe, expect, it, vi } from 'vitest';
import { Barrier } from './barrier.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Barrier', () => {
  it('opens when the count of distinct parties has arrived, not before', async () => {
    const barrier = new Barrier('two tasks', 2, 60_000);
    let opened = false;
    void barrier.opened.then(() => (opened = true));
    barrier.arrive('a');
    barrier.arrive('a');
    await Promise.resolve();
    expect(opened).toBe(false);
    barrier.arrive('b');
    await barrier.opened;
    expect(opened).toBe(true);
    expect(barrier.failure).toBeUndefined();
  });

  it('opens after its timeout and says who was missing', async () => {
    vi.useFakeTimers();
    const barrier = new Barrier('group a', 2, 1_000);
    barrier.arrive('alice');
    await vi.advanceTimersByTimeAsync(999);
    expect(barrier.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(barrier.isOpen).toBe(true);
    expect(barrier.failure).toBe('group a: 1 of 2 arrived within 1000 ms (alice)');
  });
});
