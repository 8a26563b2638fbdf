import type { SinkOutput } from '../plugin/sink.js';

/** A task's identity in every event: one pipeline x one partition. */
export interface TaskRef {
  readonly taskId: string;
  readonly pipeline: string;
  readonly partition: string;
}

/** An error as events carry it: plain data, secrets already redacted. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly status?: number | undefined;
}

export type TaskStatus = 'succeeded' | 'failed' | 'aborted' | 'skipped';

export interface TaskSummary extends TaskRef {
  readonly status: TaskStatus;
  /** What the source resolved the partition to (e.g. a handle's DID), when it does. */
  readonly resolved?: string | undefined;
  readonly pages: number;
  readonly records: number;
  readonly retries: number;
  /** When the task started running (ISO), on whichever machine ran it; absent for tasks that never ran. */
  readonly startedAt?: string | undefined;
  readonly durationMs: number;
  readonly outputs: readonly SinkOutput[];
  readonly error?: ErrorInfo | undefined;
}

export interface RunSummary {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed' | 'aborted';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly tasks: readonly TaskSummary[];
  /** Run-level outputs of the sinks, e.g. run manifests. */
  readonly outputs: readonly SinkOutput[];
  /** Failures after the tasks (e.g. a sink could not write its run manifest); they fail the run. */
  readonly errors: readonly ErrorInfo[];
}

export type RunEvent =
  | { readonly type: 'run-started'; readonly runId: string; readonly startedAt: string; readonly tasks: readonly TaskRef[] }
  | ({ readonly type: 'task-queued' } & TaskRef)
  | ({ readonly type: 'task-waiting'; readonly group: string; readonly limit: number } & TaskRef)
  | ({ readonly type: 'task-started' } & TaskRef)
  | ({ readonly type: 'partition-resolved'; readonly resolved: string } & TaskRef)
  | ({ readonly type: 'task-paused'; readonly until: string; readonly reason: string } & TaskRef)
  | ({ readonly type: 'task-checkpointed'; readonly chunks: number; readonly records: number; readonly pages: number } & TaskRef)
  | ({
      readonly type: 'page-fetched';
      readonly page: number;
      readonly records: number;
      /** Records kept after the transform. */
      readonly kept: number;
      readonly totalRecords: number;
      readonly hasMore: boolean;
    } & TaskRef)
  | ({
      readonly type: 'retry-scheduled';
      /** The attempt that failed, from 1. */
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
      readonly error: ErrorInfo;
    } & TaskRef)
  | ({ readonly type: 'task-succeeded'; readonly summary: TaskSummary } & TaskRef)
  | ({ readonly type: 'task-failed'; readonly summary: TaskSummary } & TaskRef)
  | ({ readonly type: 'task-aborted'; readonly summary: TaskSummary } & TaskRef)
  | ({ readonly type: 'task-skipped'; readonly summary: TaskSummary } & TaskRef)
  | { readonly type: 'run-finished'; readonly summary: RunSummary };

export type RunEventType = RunEvent['type'];
export type RunEventListener = (event: RunEvent) => void;
