import { UsageError } from '@etl/core/host';
import { describe, expect, it } from 'vitest';
import { loadQueueRunner } from './queue-runner.js';

describe('loadQueueRunner', () => {
  it('loads @etl/runner-bullmq when it is installed', async () => {
    const runner = await loadQueueRunner('etl worker');
    expect(typeof runner.startWorker).toBe('function');
    expect(typeof runner.runOnQueue).toBe('function');
  });

  it('says what to install when the package is missing (a usage error: exit 2)', async () => {
    // A package name nothing provides: Node's own ERR_MODULE_NOT_FOUND, as for a user without the runner.
    const attempt = loadQueueRunner('etl run --queue', '@etl/runner-bullmq-absent');
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow('etl run --queue needs the queue runner, which is not installed: npm install @etl/runner-bullmq (it brings bullmq and ioredis)');
  });
});
