import { abortReason } from '@etl/core';
import type { ResolvedConfig, TaskContext, TaskExecutor, TaskOutcome, TaskRequest } from '@etl/core/host';
import { Job, Queue, QueueEvents } from 'bullmq';
import { configDigest } from './config-digest.js';
import { groupLimits } from './group-limits.js';
import { DEFAULT_PREFIX, jobIdOf, queueNameOf } from './queue-names.js';
import { redactedUrl, redisOptions } from './redis-connection.js';
import { asForwardedEvent, type TaskJobData, type TaskJobResult } from './task-job.js';

export interface QueueExecutorOptions {
  /** `redis://host:port[/db]`. */
  readonly queueUrl: string;
  readonly prefix?: string | undefined;
  /** How often jobs nobody has heard of for a while are looked up (events lost while Redis restarted). */
  readonly reconcileEveryMs?: number | undefined;
  /** Told what a user should know, e.g. that no worker listens to the queues yet. */
  readonly onNotice?: ((message: string) => void) | undefined;
}

interface Pending {
  readonly queue: Queue<TaskJobData, TaskJobResult>;
  readonly context: TaskContext;
  readonly data: TaskJobData;
  readonly resolve: (outcome: TaskOutcome) => void;
  readonly reject: (error: unknown) => void;
  lastHeardMs: number;
}

interface QueueHandle {
  readonly queue: Queue<TaskJobData, TaskJobResult>;
  readonly events: QueueEvents;
}

/** A worker reported the job failed outright (not the task: a task's own failure completes the job). */
export class QueueJobError extends Error {
  override readonly name = 'QueueJobError';
}

/**
 * Runs a run's tasks on `etl worker` processes: each task becomes a job in its concurrency group's queue,
 * whose global concurrency is the group's limit, and the job's progress and result come back as run
 * events and the task's outcome. Job events are the fast path; a periodic lookup of quiet jobs is the safe
 * one (events are lost while Redis restarts, and a Redis that lost its data gets the job again).
 */
export class QueueExecutor implements TaskExecutor {
  readonly holdsLimits = true;
  private readonly pending = new Map<string, Pending>();
  private readonly reconciler: NodeJS.Timeout;
  private reconciling = false;

  private constructor(
    private readonly queues: ReadonlyMap<string, QueueHandle>,
    private readonly groupOf: ReadonlyMap<string, string | undefined>,
    private readonly digest: string,
    private readonly reconcileEveryMs: number,
  ) {
    for (const { events } of queues.values()) {
      events.on('progress', ({ jobId, data }) => {
        const pending = this.heard(jobId);
        const event = asForwardedEvent(data);
        if (pending && event) pending.context.emit(event);
      });
      events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, { outcome: returnvalue }));
      events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, { error: new QueueJobError(failedReason) }));
      events.on('active', ({ jobId }) => this.heard(jobId));
      events.on('waiting', ({ jobId }) => this.heard(jobId));
      events.on('delayed', ({ jobId }) => this.heard(jobId));
    }
    this.reconciler = setInterval(() => void this.reconcile(), reconcileEveryMs);
    this.reconciler.unref();
  }

  static async open(config: ResolvedConfig, options: QueueExecutorOptions): Promise<QueueExecutor> {
    const connection = redisOptions(options.queueUrl);
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const handles = new Map<string, QueueHandle>();
    try {
      for (const { group, limit } of groupLimits(config)) {
        const name = queueNameOf(group);
        const queue = new Queue<TaskJobData, TaskJobResult>(name, { connection, prefix });
        const events = new QueueEvents(name, { connection, prefix });
        handles.set(name, { queue, events });
        await queue.setGlobalConcurrency(limit);
        // Listening before the first job is added: an event from before would be missed.
        await events.waitUntilReady();
      }
    } catch (error) {
      await Promise.allSettled([...handles.values()].flatMap((h) => [h.queue.close(), h.events.close()]));
      throw error;
    }
    const listening = await Promise.all([...handles.values()].map((h) => h.queue.getWorkersCount()));
    if (listening.some((count) => count === 0)) {
      const idle = [...handles.keys()].filter((_, i) => listening[i] === 0);
      options.onNotice?.(`no \`etl worker --queue ${redactedUrl(options.queueUrl)}\` is running for ${idle.join(', ')} yet: those tasks wait in the queue until one starts`);
    }
    const groupOf = new Map(config.pipelines.map((p) => [p.name, p.group]));
    return new QueueExecutor(handles, groupOf, await configDigest(config.file), options.reconcileEveryMs ?? 3_000);
  }

  execute(request: TaskRequest, context: TaskContext): Promise<TaskOutcome> {
    const handle = this.queues.get(queueNameOf(this.groupOf.get(request.pipeline)));
    if (!handle) return Promise.reject(new Error(`no queue for pipeline '${request.pipeline}'`));
    const jobId = jobIdOf(request.runId, `${request.pipeline}/${request.partition}`);
    const data: TaskJobData = { request, configDigest: this.digest };
    return new Promise<TaskOutcome>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(jobId);
        // A job no worker has taken is withdrawn; one that is running finishes on its worker.
        void handle.queue.remove(jobId).catch(() => undefined);
        reject(abortReason(context.signal));
      };
      if (context.signal.aborted) return onAbort();
      context.signal.addEventListener('abort', onAbort, { once: true });
      const done = <T>(settle: (value: T) => void) => (value: T) => {
        context.signal.removeEventListener('abort', onAbort);
        settle(value);
      };
      this.pending.set(jobId, { queue: handle.queue, context, data, resolve: done(resolve), reject: done(reject), lastHeardMs: Date.now() });
      enqueue(handle.queue, jobId, data).catch((error: unknown) => this.settle(jobId, { error }));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.reconciler);
    await Promise.allSettled([...this.queues.values()].flatMap((h) => [h.events.close(), h.queue.close()]));
  }

  private heard(jobId: string): Pending | undefined {
    const pending = this.pending.get(jobId);
    if (pending) pending.lastHeardMs = Date.now();
    return pending;
  }

  private settle(jobId: string, result: { outcome: unknown } | { error: unknown }): void {
    const pending = this.pending.get(jobId);
    if (!pending) return;
    this.pending.delete(jobId);
    if ('error' in result) pending.reject(result.error);
    else pending.resolve(result.outcome as TaskOutcome);
  }

  /** Settles a job from its stored state; re-adds it when Redis no longer knows it (it lost its data). */
  private async lookUp(jobId: string, queue: Queue<TaskJobData, TaskJobResult>): Promise<void> {
    const job = await Job.fromId<TaskJobData, TaskJobResult>(queue, jobId);
    const pending = this.pending.get(jobId);
    if (!pending) return;
    if (!job) {
      await enqueue(queue, jobId, pending.data);
      return;
    }
    const state = await job.getState();
    if (state === 'completed') this.settle(jobId, { outcome: job.returnvalue });
    else if (state === 'failed') this.settle(jobId, { error: new QueueJobError(job.failedReason || 'the job failed on its worker') });
  }

  private async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      const quietSince = Date.now() - this.reconcileEveryMs;
      const quiet = [...this.pending].filter(([, p]) => p.lastHeardMs < quietSince).slice(0, 500);
      for (const [jobId, pending] of quiet) {
        pending.lastHeardMs = Date.now();
        await this.lookUp(jobId, pending.queue).catch(() => undefined); // Redis down: next round
      }
    } finally {
      this.reconciling = false;
    }
  }
}

const JOB_OPTIONS = { attempts: 1, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/**
 * Adds a task's job. The id is the task's within its run, so a job still waiting or running from an
 * earlier invocation of the same run (a coordinator that crashed and resumed) is joined, not doubled;
 * a finished one is replaced, since the run record wants the task run again.
 */
async function enqueue(queue: Queue<TaskJobData, TaskJobResult>, jobId: string, data: TaskJobData): Promise<void> {
  const existing = await Job.fromId<TaskJobData, TaskJobResult>(queue, jobId);
  const state = await existing?.getState();
  if (existing && (state === 'completed' || state === 'failed')) await existing.remove();
  await queue.add('task', data, { ...JOB_OPTIONS, jobId });
}
