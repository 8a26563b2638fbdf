import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';
import { loadQueueRunner } from './queue-runner.js';

/**
 * Runs tasks of `etl run --queue` runs until interrupted: the first Ctrl-C/SIGTERM lets the running tasks
 * finish (a second one exits at once; its tasks are then redelivered to another worker).
 */
export async function workerCommand(args: CliArgs, io: CliIo): Promise<number> {
  const { startWorker } = await loadQueueRunner('etl worker');
  const queueUrl = args.queue as string; // parseCliArgs refuses `worker` without --queue
  const worker = await startWorker({
    configFile: args.config,
    cwd: io.cwd,
    queueUrl,
    concurrency: args.concurrency,
    onEvent: (event) => {
      if (args.json) return writeLine(io.stdout, JSON.stringify({ at: new Date().toISOString(), ...event }));
      switch (event.type) {
        case 'ready':
          return writeLine(io.stdout, `worker ready (${event.config}): ${event.queues.map((q) => `${q.name} ${q.concurrency} at once, limit ${q.limit}`).join('; ')}`);
        case 'task-started':
          return writeLine(io.stdout, `started  ${event.taskId}`);
        case 'task-taken':
        case 'task-page':
          return; // --json only: too many lines for people
        case 'task-finished': {
          const { status, records, durationMs, error } = event.summary;
          return writeLine(io.stdout, `${status.padEnd(8)} ${event.taskId}: ${records} records in ${(durationMs / 1000).toFixed(1)} s${error ? ` (${error.message})` : ''}`);
        }
        case 'task-error':
          return writeLine(io.stderr, `error    ${event.taskId}: ${event.message}`);
        case 'error':
          return writeLine(io.stderr, `etl worker: ${event.message}`);
      }
    },
  });
  await new Promise<void>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  writeLine(io.stderr, 'etl worker: stopping; running tasks finish first');
  await worker.close();
  return EXIT.ok;
}
