import type { OptionsOf, OptionsSchema } from './options-schema.js';
import type { PluginProblem } from './source.js';

/** What a sink is told about the task it writes for. */
export interface SinkTask {
  readonly runId: string;
  readonly pipeline: string;
  readonly partition: string;
  /** When the run started; sinks derive date-based keys from it so that every task of a run agrees. */
  readonly runStartedAt: Date;
  readonly signal: AbortSignal;
  /**
   * Set when the task resumes after a crash from a checkpoint of the same run: the chunks committed before
   * (the next chunk has index `chunks`) and their outputs, which `commit()` must report too.
   */
  readonly resume?: { readonly chunks: number; readonly outputs: readonly SinkOutput[] } | undefined;
}

/** Something a sink made visible on commit (an object, a file, a table partition). */
export interface SinkOutput {
  readonly location: string;
  readonly records: number;
  readonly bytes?: number;
}

export interface SinkCommitResult {
  readonly outputs: readonly SinkOutput[];
}

/**
 * A writer for one task. Nothing written is visible to readers until `commit()` resolves;
 * `abort()` leaves nothing behind. The core calls exactly one of them, once.
 */
export interface SinkWriter<T> {
  write(records: readonly T[]): Promise<void>;
  /**
   * Optional: makes everything written since the last checkpoint durable as one finished chunk (e.g. a
   * part object) and starts the next. The core calls it only between pages and records the source cursor
   * with the returned outputs (all chunks so far), so a crashed task resumes after its last chunk. A chunk
   * re-written after a crash must land on the same location (idempotent), so nothing is duplicated.
   */
  checkpoint?(): Promise<SinkCommitResult>;
  /** Optional: the writer would like a checkpoint now (e.g. its chunk reached a size threshold). */
  wantsCheckpoint?(): boolean;
  commit(): Promise<SinkCommitResult>;
  /** Discards what was written since the last checkpoint; chunks already checkpointed stay for a resume. */
  abort(reason?: unknown): Promise<void>;
}

/** A task as the sink saw it, for `finishRun`. */
export interface SinkTaskReport {
  readonly pipeline: string;
  readonly partition: string;
  readonly status: 'succeeded' | 'failed' | 'aborted' | 'skipped';
  readonly records: number;
  readonly outputs: readonly SinkOutput[];
}

/** The end of a run, from one sink instance's point of view: every task that was given to it. */
export interface SinkRunReport {
  readonly runId: string;
  /** The run's status over all its tasks. */
  readonly status: 'succeeded' | 'failed' | 'aborted';
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly tasks: readonly SinkTaskReport[];
}

/** What a plugin instance's `check()` is given. */
export interface PluginCheckContext {
  readonly signal?: AbortSignal | undefined;
}

/**
 * What a `check()` may resolve with when it could not tell either way, e.g. credentials allowed to write but
 * not to look (a HeadBucket denied to a writer with only s3:PutObject). A run goes on; `etl check` shows it.
 */
export interface PluginCheckUnverified {
  readonly unverified: string;
}

export interface SinkInstance<T> {
  open(task: SinkTask): Promise<SinkWriter<T>>;
  /**
   * Optional: checks that the target is there and these credentials may use it, without writing anything
   * (e.g. a HEAD of the bucket). A run calls it once per instance, before the first task that writes to
   * the instance makes its first source call; a rejection fails those tasks with its message, so make it
   * one line that names the target (`s3://bucket: no such bucket`). Reject only on what is certain to fail
   * the run; resolve with `{ unverified }` when the check itself was not allowed.
   */
  check?(context: PluginCheckContext): Promise<void | PluginCheckUnverified>;
  /**
   * Called once after every task of the run has settled (e.g. to write a run manifest). What it returns is
   * listed in the run summary. A failure here fails the run, not the tasks.
   */
  finishRun?(report: SinkRunReport): Promise<readonly SinkOutput[]>;
  close?(): Promise<void>;
}

/** A pipeline writing to a sink, as `checkPlan` sees it. */
export interface SinkPlanEntry<O = unknown> {
  readonly pipeline: string;
  /** The options of the sink value it uses; pipelines sharing one sink value share this object. */
  readonly options: O;
  /** Its static partitions (one task each), or undefined when they come from another pipeline at run time. */
  readonly partitions: readonly string[] | undefined;
}

/** A problem `checkPlan` found, at `path` inside the sink options of `pipeline`. */
export interface SinkPlanProblem extends PluginProblem {
  readonly pipeline: string;
}

export interface SinkDefinition<S, T, O = OptionsOf<S>> {
  readonly name: string;
  readonly options: S;
  /**
   * Checks beyond the schema, run by `etl validate`; must not touch the network. Also called on options that
   * failed the schema (so that one run reports everything): guard each value read; a throw is then ignored.
   */
  check?(options: O): readonly PluginProblem[];
  /**
   * Optional: checks what the pipelines of a config would do together (e.g. two tasks writing one object),
   * run by `etl validate` once per config with every pipeline whose sink is of this plugin (any of its
   * values) and whose options and partitions are valid, in config order. Must not touch the network.
   */
  checkPlan?(entries: readonly SinkPlanEntry<O>[]): readonly SinkPlanProblem[];
  create(options: O): SinkInstance<T> | Promise<SinkInstance<T>>;
}

export const SINK_SPEC = 'etl.sink' as const;

export interface SinkSpec<T = unknown> {
  readonly kind: typeof SINK_SPEC;
  readonly definition: SinkDefinition<OptionsSchema, T, unknown>;
  readonly options: unknown;
}

export type SinkFactory<S, T> = ((options: OptionsOf<S>) => SinkSpec<T>) & {
  readonly definition: SinkDefinition<S, T>;
};

/** Declares a sink plugin; returns the factory users call in their config. */
export function defineSink<const S extends object, T = unknown>(definition: SinkDefinition<S, T>): SinkFactory<S, T> {
  const factory = (options: OptionsOf<S>): SinkSpec<T> => ({
    kind: SINK_SPEC,
    definition: definition as unknown as SinkDefinition<OptionsSchema, T, unknown>,
    options,
  });
  // Built untyped: checking this assignment against a generic S makes the schema-to-type mapping explode.
  return Object.assign(factory as object, { definition: definition as unknown }) as SinkFactory<S, T>;
}

export function isSinkSpec(value: unknown): value is SinkSpec {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === SINK_SPEC;
}
