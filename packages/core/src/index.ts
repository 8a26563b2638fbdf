// @etl/core: the semver-stable surface for config authors and plugin authors (sources, sinks, state stores).
// The built-in plugins import only from here, as a third-party plugin would. What hosts use (the CLI, the
// queue runner, tests) is in ./host.ts (@etl/core/host); a host imports the shared names from here.
// Everything else under src/ is internal.

// Config authors
export { defineConfig } from './config/config-types.js';
export type {
  BackoffConfig,
  ConcurrencyConfig,
  ConfigExport,
  Duration,
  EtlConfig,
  PipelineConfig,
  PolicyConfig,
  TransformContext,
} from './config/config-types.js';
export { env } from './secrets/env.js';
export { fromPipeline, isPartitionsFrom } from './config/partitions-from.js';
export type { PartitionsFrom } from './config/partitions-from.js';
export { localState } from './state/local-state.js';

// Source plugins
export { defineSource, isSourceSpec } from './plugin/source.js';
export type {
  FetchPageRequest,
  PluginProblem,
  ResolvePartitionRequest,
  SourceNotice,
  SourceDefinition,
  SourceFactory,
  SourceInstance,
  SourcePage,
  SourceSharedState,
  SourceSpec,
} from './plugin/source.js';

// Sink plugins
export { defineSink, isSinkSpec } from './plugin/sink.js';
export type {
  SinkCommitResult,
  SinkDefinition,
  SinkFactory,
  PluginCheckContext,
  PluginCheckUnverified,
  SinkInstance,
  SinkOutput,
  SinkPlanEntry,
  SinkPlanProblem,
  SinkRunReport,
  SinkSpec,
  SinkTaskReport,
  SinkTask,
  SinkWriter,
} from './plugin/sink.js';
export type { OptionsOf, OptionsSchema } from './plugin/options-schema.js';

// State-store plugins: the store they implement and the records it keeps
export { defineStateStore, isStateStoreSpec } from './state/define-state-store.js';
export type { StateStoreContext, StateStoreDefinition, StateStoreFactory, StateStoreSpec } from './state/define-state-store.js';
export type { RunRecord, StateLock, StateStore, TaskCheckpoint, TaskRecord, TaskState } from './state/state-store.js';
export { StateLockedError } from './errors/state-locked-error.js';

// Run events and summaries: what a run reports, and what a state store records (RunRecord holds a RunSummary)
export type { ErrorInfo, RunEvent, RunSummary, TaskRef, TaskStatus, TaskSummary } from './events/run-events.js';

// Errors plugins throw or check, and abort helpers
export { EtlError, isAbortError } from './errors/etl-error.js';
export { PartitionSkippedError, isPartitionSkipped } from './errors/partition-skipped.js';
export { abortReason, raceAbort } from './run/abortable.js';
