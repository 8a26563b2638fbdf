import type { OptionsOf, OptionsSchema } from './options-schema.js';
import type { PluginCheckContext, PluginCheckUnverified } from './sink.js';

/** One page of records and the cursor of the next page (absent on the last page). */
export interface SourcePage<R> {
  readonly records: readonly R[];
  readonly cursor?: string | undefined;
  /**
   * Incremental sources: what to remember for the next run (JSON). The core saves the last one a task
   * returned, once the task has succeeded, and hands it back as `bookmark` next time.
   */
  readonly bookmark?: unknown;
}

/** Something a source tells the run about while it works; the CLI shows it in progress. */
export type SourceNotice = {
  /** The source is deliberately waiting (e.g. for a rate-limit window to reset) before its next call. */
  readonly kind: 'paused';
  readonly until: Date;
  readonly reason: string;
};

export interface FetchPageRequest {
  readonly pipeline: string;
  readonly partition: string;
  /** What `resolvePartition` returned for this partition (e.g. the DID of a handle), if the source has it. */
  readonly resolved: string | undefined;
  /** Absent for the first page. */
  readonly cursor: string | undefined;
  /**
   * In `mode: 'incremental'`: the bookmark saved by the last successful run of this pipeline × partition
   * (undefined the first time). The source returns only items newer than it, and no cursor once it has
   * reached them. Always undefined in snapshot mode.
   */
  readonly bookmark?: unknown;
  /** Aborted when the run is cancelled; pass it to every network call. */
  readonly signal: AbortSignal;
  readonly report: (notice: SourceNotice) => void;
}

export interface ResolvePartitionRequest {
  readonly pipeline: string;
  readonly partition: string;
  readonly signal: AbortSignal;
  readonly report: (notice: SourceNotice) => void;
}

/** A live source, created once per factory call and shared by every task that uses that factory value. */
export interface SourceInstance<R> {
  fetchPage(request: FetchPageRequest): Promise<SourcePage<R>>;
  /**
   * Optional, for `etl check`: one cheap call that shows the service answers and these credentials are
   * accepted (a login when the source has credentials), fetching no data. Rejects with a one-line message.
   */
  check?(context: PluginCheckContext): Promise<void | PluginCheckUnverified>;
  /**
   * Called once per task before the first page, under the same policy as pages, e.g. to resolve a handle
   * to a DID. The value is reported in events and passed to every `fetchPage` of the task.
   */
  resolvePartition?(request: ResolvePartitionRequest): Promise<string | undefined>;
  /** Classifies a failed call: true = worth retrying under the pipeline policy. Default: every error but an abort. */
  isRetryable?(error: unknown): boolean;
  /**
   * The wait before retrying after `error`, given the policy's own delay; e.g. until a rate limit's reset.
   * Default: the policy's delay.
   */
  retryDelayMs?(error: unknown, policyDelayMs: number): number;
  /**
   * What the instance knows that other processes running the same source must know too, e.g. the
   * rate-limit windows it has learnt. When tasks run on several queue workers, the state travels with
   * the source's bulkhead lease: restored before each call, saved after it, so N workers pace an API as
   * one local run would. Unused in a local run. The state must be JSON.
   */
  readonly sharedState?: SourceSharedState | undefined;
  close?(): Promise<void>;
}

export interface SourceSharedState {
  save(): unknown;
  /** Merges state saved by another process (maybe older than what this one knows). */
  restore(state: unknown): void;
}

/** A problem found in options or partitions by a plugin's own checks (beyond its JSON Schema). */
export interface PluginProblem {
  /** Dotted path inside the options (`key`), or empty for the whole value. */
  readonly path: string;
  readonly message: string;
}

export interface SourceDefinition<S, R, O = OptionsOf<S>> {
  /** A stable, package-like name, e.g. `atproto.authorFeed`. */
  readonly name: string;
  readonly options: S;
  /**
   * Checks beyond the schema, run by `etl validate`; must not touch the network. Also called on options that
   * failed the schema (so that one run reports everything): guard each value read; a throw is then ignored.
   */
  check?(options: O): readonly PluginProblem[];
  /** The source can run in `mode: 'incremental'` (it understands `bookmark` and returns new ones). */
  readonly incremental?: boolean;
  /** Checks one partition value (e.g. "is this an actor handle or DID"); returns a problem message or nothing. */
  checkPartition?(partition: string, options: O): string | undefined;
  create(options: O): SourceInstance<R> | Promise<SourceInstance<R>>;
}

export const SOURCE_SPEC = 'etl.source' as const;

/**
 * What a source factory returns and the config holds: the definition plus the user's options,
 * not yet validated. Options are validated against the schema when the config is loaded, so that all
 * problems can be reported together with their config paths.
 */
export interface SourceSpec<R = unknown> {
  readonly kind: typeof SOURCE_SPEC;
  readonly definition: SourceDefinition<OptionsSchema, R, unknown>;
  readonly options: unknown;
}

export type SourceFactory<S, R> = ((options: OptionsOf<S>) => SourceSpec<R>) & {
  readonly definition: SourceDefinition<S, R>;
};

/** Declares a source plugin; returns the factory users call in their config. */
export function defineSource<const S extends object, R>(definition: SourceDefinition<S, R>): SourceFactory<S, R> {
  const factory = (options: OptionsOf<S>): SourceSpec<R> => ({
    kind: SOURCE_SPEC,
    definition: definition as unknown as SourceDefinition<OptionsSchema, R, unknown>,
    options,
  });
  // Built untyped: checking this assignment against a generic S makes the schema-to-type mapping explode.
  return Object.assign(factory as object, { definition: definition as unknown }) as SourceFactory<S, R>;
}

export function isSourceSpec(value: unknown): value is SourceSpec {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === SOURCE_SPEC;
}
