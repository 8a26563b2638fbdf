import { describe, expect, it } from 'vitest';
import { UploadQueue } from './upload-queue.js';

/** An upload the test finishes by hand. */
function manual() {
  const started: string[] = [];
  const finish = new Map<string, (error?: Error) => void>();
  const upload = (name: string) => () =>
    new Promise<void>((resolve, reject) => {
      started.push(name);
      finish.set(name, (error) => (error ? reject(error) : resolve()));
    });
  return { started, upload, finish: (name: string, error?: Error) => finish.get(name)?.(error) };
}

describe('UploadQueue', () => {
  it('starts uploads in order, at most `limit` at a time, and makes run() wait for a slot', async () => {
    const queue = new UploadQueue(2);
    const { started, upload, finish } = manual();
    await queue.run(upload('a'));
    await queue.run(upload('b'));
    let thirdQueued = false;
    const third = queue.run(upload('c')).then(() => (thirdQueued = true));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect(thirdQueued).toBe(false);

    finish('b');
    await third;
    expect(started).toEqual(['a', 'b', 'c']);
    finish('a');
    finish('c');
    await queue.drain();
  });

  it('keeps the first failure for every later run() and for drain()', async () => {
    const queue = new UploadQueue(1);
    const { upload, finish } = manual();
    await queue.run(upload('a'));
    const next = queue.run(upload('b'));
    finish('a', new Error('part 1 failed'));
    await expect(next).rejects.toThrow('part 1 failed');
    await expect(queue.run(upload('c'))).rejects.toThrow('part 1 failed');
    await expect(queue.drain()).rejects.toThrow('part 1 failed');
    await queue.settle();
  });
});
