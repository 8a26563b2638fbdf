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
  SourceDefinition,
  SourceFactory,
  SourceInstance,
  SourcePage,
  SourceSpec,
} from './plugin/source.js';
export { defineSink, isSinkSpec } from './plugin/sink.js';
export type {
  SinkCommitResult,
  SinkDefinition,
  SinkFactory,
  SinkInstance,
  SinkOutput,
  SinkSpec,
  SinkTask,
  SinkWriter,
} from './plugin/sink.js';
export type { OptionsOf, OptionsSchema } from './plugin/options-schema.js';
export { EtlError, isAbortError } from './errors/etl-error.js';
