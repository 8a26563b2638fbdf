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
export { defineSink, isSinkSpec } from './plugin/sink.js';
export type {
  SinkCommitResult,
  SinkDefinition,
  SinkFactory,
  SinkInstance,
  SinkOutput,
  SinkRunReport,
  SinkSpec,
  SinkTaskReport,
  SinkTask,
  SinkWriter,
} from './plugin/sink.js';
export type { OptionsOf, OptionsSchema } from './plugin/options-schema.js';
export { EtlError, isAbortError } from './errors/etl-error.js';
export { UsageError } from './errors/usage-error.js';
export { ConfigError, formatProblem } from './config/config-error.js';
export type { ConfigProblem } from './config/config-error.js';
export { loadConfig, CONFIG_SEARCH_PLACES } from './config/load-config.js';
export type { LoadConfigOptions, LoadedConfig } from './config/load-config.js';
export { validateConfig } from './config/validate-config.js';
export type { ResolvedBackoff, ResolvedConfig, ResolvedPipeline, ResolvedPolicy } from './config/resolved-config.js';
export { DEFAULT_POLICY, DEFAULT_CONCURRENCY_LIMIT } from './config/resolved-config.js';
export { durationToMs, formatClock } from './config/duration.js';
export { planTasks, selectedPipelines } from './plan/plan-tasks.js';
export type { PlannedTask, TaskSelection } from './plan/plan-tasks.js';
export { runPipelines } from './run/run-pipelines.js';
export type { RunOptions } from './run/run-pipelines.js';
export { TaskHost } from './run/task-host.js';
export type { TaskContext, TaskExecutor, TaskHostOptions, TaskOutcome, TaskRequest } from './run/task-host.js';
export type { SourceGateFactory, SourceGateRequest } from './run/plugin-instances.js';
export type { SourceCallGate } from './policy/source-policy.js';
export { CursorLoopError } from './run/task-runner.js';
export type {
  ErrorInfo,
  RunEvent,
  RunEventListener,
  RunEventType,
  RunSummary,
  TaskRef,
  TaskStatus,
  TaskSummary,
} from './events/run-events.js';
export { redactOptions } from './secrets/secret-values.js';
export { PartitionSkippedError, isPartitionSkipped } from './errors/partition-skipped.js';
export { env } from './secrets/env.js';
export { fromPipeline, isPartitionsFrom } from './config/partitions-from.js';
export type { PartitionsFrom } from './config/partitions-from.js';
export { StateLockedError } from './errors/state-locked-error.js';
export { defineStateStore, isStateStoreSpec } from './state/define-state-store.js';
export type { StateStoreContext, StateStoreDefinition, StateStoreFactory, StateStoreSpec } from './state/define-state-store.js';
export { localState } from './state/local-state.js';
export { openStateStore } from './state/open-state-store.js';
export type { RunRecord, StateLock, StateStore, TaskCheckpoint, TaskRecord, TaskState } from './state/state-store.js';
export { configJsonSchema } from './config/config-json-schema.js';
export type { PluginForSchema } from './config/config-json-schema.js';
export { abortReason, raceAbort } from './run/abortable.js';
