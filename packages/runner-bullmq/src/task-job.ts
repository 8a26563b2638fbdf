import type { RunEvent } from '@etl/core';
import type { TaskOutcome, TaskRequest } from '@etl/core/host';

/** What a task job carries: the task, and a digest of the config it was planned from. */
export interface TaskJobData {
  readonly request: TaskRequest;
  /** sha256 of the config file's text: a worker with another config refuses the task. */
  readonly configDigest: string;
}

export type TaskJobResult = TaskOutcome;

// Events a worker forwards as job progress. A task's final event is not among them: the coordinator emits
// it from the job's result, so it comes exactly once even when a task was redelivered.
const FORWARDED = new Set<string>(['task-started', 'partition-resolved', 'task-paused', 'task-checkpointed', 'page-fetched', 'retry-scheduled']);

export const isForwarded = (event: RunEvent): boolean => FORWARDED.has(event.type);

/** A progress value that is a forwarded run event (progress is untyped JSON once it crossed Redis). */
export function asForwardedEvent(value: unknown): RunEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && FORWARDED.has(type) ? (value as RunEvent) : undefined;
}
