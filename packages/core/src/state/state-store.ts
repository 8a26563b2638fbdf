import type { ErrorInfo, RunSummary, TaskStatus } from '../events/run-events.js';
import type { SinkOutput } from '../plugin/sink.js';

/** A task as the run record keeps it; `pending`/`running` only appear in a run that did not finish. */
export interface TaskRecord {
  readonly taskId: string;
  readonly pipeline: string;
  readonly partition: string;
  readonly status: TaskStatus | 'pending' | 'running';
  readonly records: number;
  readonly pages: number;
  readonly retries: number;
  readonly outputs: readonly SinkOutput[];
  readonly resolved?: string | undefined;
  readonly error?: ErrorInfo | undefined;
  /** Partition keys this task produced for the pipelines fed by its pipeline (`fromPipeline`). */
  readonly emitted?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Every run leaves one: what it was asked to do, and how far it got. Saved as it goes, so a crash leaves one too. */
export interface RunRecord {
  readonly runId: string;
  readonly status: 'running' | RunSummary['status'];
  readonly startedAt: string;
  readonly finishedAt?: string | undefined;
  /** The config file the run used. */
  readonly config: string;
  readonly selection: { readonly pipelines: readonly string[]; readonly partitions: readonly string[] };
  readonly tasks: readonly TaskRecord[];
  /** Partitions each dynamic pipeline got from its upstream pipeline in this run. */
  readonly dynamicPartitions: Readonly<Record<string, readonly string[]>>;
  readonly outputs: readonly SinkOutput[];
  readonly errors: readonly ErrorInfo[];
  /** 1 for a fresh run; +1 each time `--resume`/`--retry-failed` continued it. */
  readonly attempts: number;
}

/** Where a task can pick up after a crash: the cursor after its last committed chunk. */
export interface TaskCheckpoint {
  readonly runId: string;
  /** The cursor of the next page to fetch; undefined = start of the partition. */
  readonly cursor: string | undefined;
  /** Chunks committed so far (the next chunk gets this index). */
  readonly chunks: number;
  readonly outputs: readonly SinkOutput[];
  readonly records: number;
  readonly pages: number;
  readonly updatedAt: string;
  /** Incremental mode: the newest bookmark the task has seen so far (saved as `bookmark` on success). */
  readonly bookmark?: unknown;
  /** Partition keys collected so far for downstream pipelines. */
  readonly emitted?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Durable per pipeline × partition state. */
export interface TaskState {
  /** Present while a task of `checkpoint.runId` is unfinished. */
  readonly checkpoint?: TaskCheckpoint | undefined;
  /** The source's incremental bookmark from the last successful run (source-defined JSON). */
  readonly bookmark?: unknown;
  readonly bookmarkRunId?: string | undefined;
  readonly lastStatus?: TaskRecord['status'] | undefined;
  readonly lastRunId?: string | undefined;
  readonly updatedAt?: string | undefined;
}

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Durable run records, checkpoints and bookmarks. Writes must be crash-safe: after a crash every object is
 * either its old or its new version, never a torn one.
 */
export interface StateStore {
  /** For messages, e.g. `.etl/state` or `s3://bucket/_etl/state`. */
  readonly location: string;
  /** Takes the lock of each pipeline; throws StateLockedError naming the holder if another run has one. */
  lock(pipelines: readonly string[], owner: { readonly runId: string }): Promise<StateLock>;
  saveRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(): Promise<RunRecord[]>;
  getTaskState(pipeline: string, partition: string): Promise<TaskState | undefined>;
  saveTaskState(pipeline: string, partition: string, state: TaskState): Promise<void>;
  listTaskStates(pipeline: string): Promise<{ partition: string; state: TaskState }[]>;
  /** Forgets checkpoints and bookmarks of a pipeline (one partition, or all); returns how many were removed. */
  resetTaskState(pipeline: string, partition?: string): Promise<number>;
  /** Releases connections; called by whoever opened the store. */
  close?(): Promise<void>;
}
