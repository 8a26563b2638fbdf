import type { RunSummary } from '@etl/core';
import { runPipelines, type ResolvedConfig, type RunOptions } from '@etl/core/host';
import { QueueExecutor, type QueueExecutorOptions } from './queue-executor.js';

/**
 * A run whose tasks execute on `etl worker` processes: planned, recorded, resumed and reported here
 * exactly as a local run (same events, summary and run record), with the concurrency limits held by the
 * queues and leases in Redis. This process must stay up until the run finishes.
 */
export async function runOnQueue(config: ResolvedConfig, options: RunOptions & QueueExecutorOptions): Promise<RunSummary> {
  const executor = await QueueExecutor.open(config, options);
  try {
    return await runPipelines(config, { ...options, executor });
  } finally {
    await executor.close();
  }
}
