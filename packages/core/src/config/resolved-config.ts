import type { SinkSpec } from '../plugin/sink.js';
import type { SourceSpec } from '../plugin/source.js';
import type { TransformContext } from './config-types.js';
import type { StateStoreSpec } from '../state/define-state-store.js';

export type ResolvedBackoff =
  | { readonly kind: 'constant'; readonly delayMs: number }
  | { readonly kind: 'exponential'; readonly initialMs: number; readonly maxMs: number };

export interface ResolvedPolicy {
  /** Calls in all, the first included. */
  readonly attempts: number;
  readonly backoff: ResolvedBackoff;
  readonly bulkhead: number;
}

export interface ResolvedPipeline {
  readonly name: string;
  readonly source: SourceSpec;
  readonly sink: SinkSpec;
  /** Static partitions; empty when they come from another pipeline (`partitionsFrom`). */
  readonly partitions: readonly string[];
  readonly partitionsFrom: { readonly pipeline: string; readonly select: (record: unknown) => string | readonly string[] | undefined } | undefined;
  readonly group: string | undefined;
  readonly policy: ResolvedPolicy;
  readonly transform: ((record: unknown, context: TransformContext) => unknown) | undefined;
  readonly description: string | undefined;
  readonly mode: 'snapshot' | 'incremental';
  /** Undefined: checkpoint only when the sink asks. */
  readonly checkpointEveryPages: number | undefined;
}

/** The config after validation, with every default filled in: the only form the rest of the core reads. */
export interface ResolvedConfig {
  /** The file it came from, for messages (relative to the working directory when inside it). */
  readonly file: string;
  /** Absolute directory of the config file; relative locations (e.g. state) resolve against it. */
  readonly directory: string;
  /** Undefined: the default local state store. */
  readonly state: StateStoreSpec | undefined;
  readonly concurrency: { readonly limit: number; readonly groups: ReadonlyMap<string, number> };
  /** In config order. */
  readonly pipelines: readonly ResolvedPipeline[];
  /** Every option value any plugin schema marks secret; the core redacts these from all it emits. */
  readonly secrets: readonly string[];
}

export const DEFAULT_POLICY: ResolvedPolicy = {
  attempts: 5,
  backoff: { kind: 'constant', delayMs: 150_000 },
  bulkhead: 1,
};

export const DEFAULT_CONCURRENCY_LIMIT = 1;
