import type { SinkSpec } from '../plugin/sink.js';
import type { SourceSpec } from '../plugin/source.js';
import type { StateStoreSpec } from '../state/define-state-store.js';
import type { PartitionsFrom } from './partitions-from.js';

/** A duration: milliseconds as a number, or a string such as `150s`, `2m`, `500ms`, `1h`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;

export type BackoffConfig =
  | { readonly constant: Duration }
  | { readonly exponential: { readonly initial: Duration; readonly max: Duration } };

export interface PolicyConfig {
  readonly retry?: {
    /** Calls in all, the first included (tenacity's `stop_after_attempt`). Default 5. */
    readonly attempts?: number;
    /** Default `{ constant: '150s' }`. */
    readonly backoff?: BackoffConfig;
  };
  /** Calls in flight at once per source instance. Default 1. */
  readonly bulkhead?: number;
}

export interface TransformContext {
  readonly pipeline: string;
  readonly partition: string;
}

export interface PipelineConfig<R = unknown, T = R> {
  readonly source: SourceSpec<R>;
  /** One task per partition: a list, or `fromPipeline(...)` to take them from another pipeline's records. */
  readonly partitions: readonly string[] | PartitionsFrom<never>;
  readonly sink: SinkSpec<T> | SinkSpec<unknown>;
  /** A concurrency group declared in `concurrency.groups`. */
  readonly group?: string;
  readonly policy?: PolicyConfig;
  /** Maps each record; return `undefined` to drop it. */
  readonly transform?: (record: R, context: TransformContext) => T | undefined | Promise<T | undefined>;
  readonly description?: string;
  /**
   * `snapshot` (default): every run fetches each partition in full. `incremental`: the source stops at
   * what the last successful run saw and the run writes only new items (the source must support it).
   */
  readonly mode?: 'snapshot' | 'incremental';
  /**
   * Commit a chunk and record the source cursor every N pages, so a crashed task resumes from there
   * (needs a sink that supports checkpoints). Sinks may also ask for one (e.g. at a size threshold).
   */
  readonly checkpoint?: { readonly everyPages?: number };
}

export interface ConcurrencyConfig {
  /** Tasks running at once across the whole run. Default 1. */
  readonly limit?: number;
  /** Tasks running at once per group, across every pipeline in the group. */
  readonly groups?: Readonly<Record<string, number>>;
}

export interface EtlConfig<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly concurrency?: ConcurrencyConfig;
  readonly pipelines: { readonly [K in keyof P]: PipelineConfig<P[K], unknown> };
  /** Default retry/bulkhead policy for every pipeline that sets none. */
  readonly policy?: PolicyConfig;
  /** Where run records, checkpoints and bookmarks live. Default: `localState({ directory: '.etl' })`. */
  readonly state?: StateStoreSpec;
}

/** What an `etl.config.*` file may export: the config, a promise of it, or a function returning either. */
export type ConfigExport = EtlConfig | Promise<EtlConfig> | (() => EtlConfig | Promise<EtlConfig>);

/**
 * Gives the config its types; returns its argument unchanged. The argument is checked with each pipeline's
 * record type; the result is a plain `EtlConfig`, so that `export default defineConfig(...)` has a type a
 * declaration file can name (an inferred `EtlConfig<{ feeds: FeedViewPost }>` would make `tsc --declaration`
 * fail with TS2742, since the record types live in the plugins' own dependencies).
 */
export function defineConfig<P extends Record<string, unknown>>(config: EtlConfig<P>): EtlConfig;
export function defineConfig<P extends Record<string, unknown>>(config: () => EtlConfig<P> | Promise<EtlConfig<P>>): () => EtlConfig | Promise<EtlConfig>;
export function defineConfig(config: unknown): unknown {
  return config;
}
