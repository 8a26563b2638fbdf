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
  commit(): Promise<SinkCommitResult>;
  abort(reason?: unknown): Promise<void>;
}

export interface SinkInstance<T> {
  open(task: SinkTask): Promise<SinkWriter<T>>;
  close?(): Promise<void>;
}

export interface SinkDefinition<S, T, O = OptionsOf<S>> {
  readonly name: string;
  readonly options: S;
  check?(options: O): readonly PluginProblem[];
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
