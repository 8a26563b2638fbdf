// @etl/core/host: what hosts use to load, plan and run configs (the CLI, the queue runner, the test kit,
// tests, benchmarks). It may change in minor versions while the major version is 0; config and plugin
// authors import from @etl/core (./index.ts), and hosts import the names they share with plugins (run
// events and summaries, plugin and state-store types, EtlError...) from there too: no name is on both.

// Loading and validating a config
export { loadConfig } from './config/load-config.js';
export type { LoadConfigOptions, LoadedConfig } from './config/load-config.js';
export { validateConfig } from './config/validate-config.js';
export type { ResolvedBackoff, ResolvedConfig, ResolvedPipeline, ResolvedPolicy } from './config/resolved-config.js';
export { ConfigError } from './config/config-error.js';
export type { ConfigProblem } from './config/config-error.js';
export { configJsonSchema } from './config/config-json-schema.js';
export type { PluginForSchema } from './config/config-json-schema.js';
export { redactOptions } from './secrets/secret-values.js';

// Planning and running
export { planTasks, selectedPipelines } from './plan/plan-tasks.js';
export type { PlannedTask, TaskSelection } from './plan/plan-tasks.js';
export { runPipelines } from './run/run-pipelines.js';
export { checkPlugins } from './run/check-plugins.js';
export type { PluginCheckResult } from './run/check-plugins.js';
export type { RunOptions } from './run/run-pipelines.js';
export { UsageError } from './errors/usage-error.js';
export { openStateStore } from './state/open-state-store.js';
export { formatClock } from './config/duration.js';

// Running tasks elsewhere (the queue runner): one task at a time, with shared source-call gates
export { TaskHost } from './run/task-host.js';
export type { TaskContext, TaskExecutor, TaskHostOptions, TaskOutcome, TaskRequest } from './run/task-host.js';
export type { SourceGateFactory, SourceGateRequest } from './run/plugin-instances.js';
export type { SourceCallGate } from './policy/source-policy.js';
