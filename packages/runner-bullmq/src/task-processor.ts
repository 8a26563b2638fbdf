// The sandboxed processor BullMQ runs in a child process of `etl worker`, one task at a time. Sandboxed so
// that a task that keeps the event loop busy cannot stop its worker from renewing the job lock (which
// would run the task twice).
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { hold } from './held-lease.js';
import { isForwarded, type TaskJobData, type TaskJobResult } from './task-job.js';
import { openWorkerRuntime, type WorkerRuntime } from './worker-runtime.js';
import { settingsFromEnvironment } from './worker-settings.js';

let runtime: Promise<WorkerRuntime> | undefined;

// A task process whose worker died (SIGKILL) must die too: the task is redelivered to another worker, and
// an orphan finishing it meanwhile would run it twice.
process.on('disconnect', () => process.exit(1));

export default async function processTask(job: SandboxedJob<TaskJobData, TaskJobResult>, _token?: string, signal?: AbortSignal): Promise<TaskJobResult> {
  runtime ??= openWorkerRuntime(settingsFromEnvironment());
  const { digest, host, taskSlots, config } = await runtime;
  if (job.data.configDigest !== digest) {
    throw new UnrecoverableError(`this worker runs another config than the one the run was planned from (${config.file} differs); start every worker with the same config`);
  }
  const abort = signal ?? new AbortController().signal;
  // Waiting here for a slot of the config's global limit keeps the job's place: moved back to the queue,
  // it would go behind every waiting task, and a task redelivered after a crash would wait for all of them.
  // No deadlock: whoever holds a global slot is running a task, not waiting for anything else.
  const lease = await hold(taskSlots, abort);
  try {
    const progress: Promise<void>[] = [];
    const outcome = await host.execute(job.data.request, {
      emit: (event) => {
        if (isForwarded(event)) progress.push(job.updateProgress(event as unknown as Record<string, unknown>).catch(() => undefined));
      },
      signal: abort,
    });
    await Promise.all(progress);
    return outcome;
  } finally {
    await lease.release();
  }
}
