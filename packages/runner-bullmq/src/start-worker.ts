import { fileURLToPath } from 'node:url';
import type { TaskSummary } from '@etl/core';
import { loadConfig } from '@etl/core/host';
import { Queue, Worker, type Job } from 'bullmq';
import { redisOptions } from './redis-connection.js';
import { DEFAULT_PREFIX, queueNameOf } from './queue-names.js';
import { groupLimits } from './group-limits.js';
import { asForwardedEvent, type TaskJobData, type TaskJobResult } from './task-job.js';
import { settingsEnvironment } from './worker-settings.js';

export interface StartWorkerOptions {
  readonly configFile?: string | undefined;
  readonly cwd?: string | undefined;
  /** `redis://host:port[/db]`. */
  readonly queueUrl: string;
  /** Tasks of each concurrency group this process runs at once (never more than the group's limit). Default: the config's global limit. */
  readonly concurrency?: number | undefined;
  readonly prefix?: string | undefined;
  /**
   * A crashed worker's task is redelivered once its job lock (this long) has expired and a stall check
   * (every `stalledIntervalMs`) has seen it: 4 s and 1 s redeliver within ~2-5 s. The lock is renewed by
   * the worker's main process, which stays idle (tasks run in sandboxed processes), so a short lock does
   * not make a busy task look crashed.
   */
  readonly lockDurationMs?: number | undefined;
  readonly stalledIntervalMs?: number | undefined;
  /** How often a task may be found stalled (its worker crashed) before it fails. */
  readonly maxStalledCount?: number | undefined;
  /** Source and task leases of a crashed worker are free again after this long. */
  readonly leaseTtlMs?: number | undefined;
  readonly onEvent?: ((event: WorkerEvent) => void) | undefined;
}

export type WorkerEvent =
  | { readonly type: 'ready'; readonly queues: readonly { readonly name: string; readonly limit: number; readonly concurrency: number }[]; readonly config: string }
  /** The job was taken from its queue; the task starts once this process has a slot of the global limit. */
  | { readonly type: 'task-taken'; readonly taskId: string; readonly jobId: string }
  | { readonly type: 'task-started'; readonly taskId: string; readonly jobId: string }
  | { readonly type: 'task-page'; readonly taskId: string; readonly jobId: string; readonly page: number; readonly totalRecords: number }
  | { readonly type: 'task-finished'; readonly taskId: string; readonly jobId: string; readonly summary: TaskSummary }
  | { readonly type: 'task-error'; readonly taskId: string; readonly jobId: string; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

export interface EtlWorker {
  /** Stops taking tasks; waits for the running ones unless `force` (they are then redelivered elsewhere). */
  close(force?: boolean): Promise<void>;
}

/** Runs tasks from the queues of a config's concurrency groups until closed. */
export async function startWorker(options: StartWorkerOptions): Promise<EtlWorker> {
  const connection = redisOptions(options.queueUrl);
  const { config } = await loadConfig({ configFile: options.configFile, cwd: options.cwd });
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const emit = options.onEvent ?? (() => undefined);
  // The sandboxed task processes inherit this environment: it is how they learn what to run.
  Object.assign(process.env, settingsEnvironment({ configFile: config.file, queueUrl: options.queueUrl, prefix, leaseTtlMs: options.leaseTtlMs ?? 4_000 }));
  const processor = fileURLToPath(new URL('./task-processor.js', import.meta.url));

  const queues = groupLimits(config);
  const workers: Worker<TaskJobData, TaskJobResult>[] = [];
  for (const { group, limit } of queues) {
    const name = queueNameOf(group);
    const queue = new Queue(name, { connection, prefix });
    await queue.setGlobalConcurrency(limit);
    await queue.close();
    const worker = new Worker<TaskJobData, TaskJobResult>(name, processor, {
      connection,
      prefix,
      concurrency: Math.min(limit, options.concurrency ?? config.concurrency.limit),
      useWorkerThreads: false,
      lockDuration: options.lockDurationMs ?? 4_000,
      stalledInterval: options.stalledIntervalMs ?? 1_000,
      maxStalledCount: options.maxStalledCount ?? 10,
    });
    const taskOf = (job: Job<TaskJobData> | undefined) => `${job?.data.request.pipeline}/${job?.data.request.partition}`;
    worker.on('active', (job) => emit({ type: 'task-taken', taskId: taskOf(job), jobId: String(job.id) }));
    // From the task's own events: a job taken while the global limit is full goes back to wait unstarted.
    worker.on('progress', (job, progress) => {
      const event = asForwardedEvent(progress);
      if (event?.type === 'task-started') emit({ type: 'task-started', taskId: taskOf(job), jobId: String(job.id) });
      if (event?.type === 'page-fetched') emit({ type: 'task-page', taskId: taskOf(job), jobId: String(job.id), page: event.page, totalRecords: event.totalRecords });
    });
    worker.on('completed', (job, result) => emit({ type: 'task-finished', taskId: taskOf(job), jobId: String(job.id), summary: result.summary }));
    worker.on('failed', (job, error) => emit({ type: 'task-error', taskId: taskOf(job), jobId: String(job?.id), message: error.message }));
    worker.on('error', (error) => emit({ type: 'error', message: error.message }));
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  emit({
    type: 'ready',
    config: config.file,
    queues: queues.map(({ group, limit }, i) => ({ name: queueNameOf(group), limit, concurrency: workers[i]?.concurrency ?? 0 })),
  });
  return {
    close: async (force = false) => {
      await Promise.all(workers.map((w) => w.close(force)));
    },
  };
}
