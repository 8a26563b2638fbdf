import type { StateStore } from '@etl/core';
import { loadConfig, openStateStore, TaskHost, type ResolvedConfig } from '@etl/core/host';
import { Redis } from 'ioredis';
import { configDigest } from './config-digest.js';
import { LeaseSemaphore } from './lease-semaphore.js';
import { redisOptions } from './redis-connection.js';
import { redisSourceGates } from './redis-gate.js';
import type { WorkerSettings } from './worker-settings.js';

/** What one task process keeps between the tasks it runs: the config, live plugins, Redis, the leases. */
export interface WorkerRuntime {
  readonly config: ResolvedConfig;
  readonly digest: string;
  readonly host: TaskHost;
  /** The config's global task limit, held across every worker. */
  readonly taskSlots: LeaseSemaphore;
  close(): Promise<void>;
}

export async function openWorkerRuntime(settings: WorkerSettings): Promise<WorkerRuntime> {
  const { config } = await loadConfig({ configFile: settings.configFile });
  const digest = await configDigest(config.file);
  const redis = new Redis(redisOptions(settings.queueUrl));
  let store: StateStore | undefined;
  try {
    store = await openStateStore(config);
    const host = new TaskHost(config, { state: store, gates: redisSourceGates(redis, settings.prefix, settings.leaseTtlMs) });
    const taskSlots = new LeaseSemaphore(redis, `${settings.prefix}:lease:tasks`, config.concurrency.limit, { ttlMs: settings.leaseTtlMs });
    return {
      config,
      digest,
      host,
      taskSlots,
      close: async () => {
        await host.close();
        await store?.close?.();
        redis.disconnect();
      },
    };
  } catch (error) {
    await store?.close?.();
    redis.disconnect();
    throw error;
  }
}
