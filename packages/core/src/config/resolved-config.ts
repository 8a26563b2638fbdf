import type { SinkSpec } from '../plugin/sink.js';
import type { SourceSpec } from '../plugin/source.js';
import type { TransformContext } from './config-types.js';

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
  readonly partitions: readonly string[];
  readonly group: string | undefined;
  readonly policy: ResolvedPolicy;
  readonly transform: ((record: unknown, context: TransformContext) => unknown) | undefined;
  readonly description: string | undefined;
}

/** The config after validation, with every default filled in: the only form the rest of the core reads. */
export interface ResolvedConfig {
  /** The file it came from, for messages (relative to the working directory when inside it). */
  readonly file: string;
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
