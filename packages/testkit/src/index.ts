export { testSource } from './test-source.js';
export type { SourceContractSpec } from './test-source.js';
export { testSink } from './test-sink.js';
export type { SinkContractSpec } from './test-sink.js';
export { ContractError, KitUsageError } from './contract-error.js';
export type { ContractName } from './contract-error.js';
export type { Lazy } from './lazy.js';
export type { KitSinkFactory, KitSourceFactory } from './kit-plugins.js';
export { memorySink, memorySource } from './memory-plugins.js';
export { checkOptionsAccepted, checkOptionRejected, configProblems } from './options-checks.js';
export type { BadOption, PluginRole } from './options-checks.js';
export { checkPaging, checkPartitionsPaging } from './paging-checks.js';
export type { PagingCheckOptions, PagingResult } from './paging-checks.js';
export { checkErrorCase } from './error-checks.js';
export type { ErrorCase } from './error-checks.js';
export { checkAbort } from './abort-checks.js';
export type { AbortCheckOptions } from './abort-checks.js';
export {
  checkAbortLeavesNothing,
  checkCheckpointResume,
  checkCommitReadable,
  checkNothingBeforeCommit,
  checkRewriteReplaces,
  kitRecords,
  kitTask,
} from './sink-checks.js';
export type { KitRecord, SinkReader } from './sink-checks.js';
export { checkSecretsNotLeaked, findSecret, KIT_SECRET } from './secret-checks.js';
