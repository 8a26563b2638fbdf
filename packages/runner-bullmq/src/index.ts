export { runOnQueue } from './run-on-queue.js';
export { QueueExecutor, QueueJobError } from './queue-executor.js';
export type { QueueExecutorOptions } from './queue-executor.js';
export { startWorker } from './start-worker.js';
export type { EtlWorker, StartWorkerOptions, WorkerEvent } from './start-worker.js';
export { DEFAULT_PREFIX } from './queue-names.js';
