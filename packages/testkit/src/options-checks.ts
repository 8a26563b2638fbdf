import type { SinkSpec, SourceSpec } from '@etl/core';
import { ConfigError, validateConfig, type ConfigProblem } from '@etl/core/host';
import { ContractError, describeError } from './contract-error.js';
import { memorySink, memorySource } from './memory-plugins.js';

/** Where the plugin under test sits in the kit's config: problems about its options start here. */
export type PluginRole = 'source' | 'sink';

const CONFIG_FILE = 'testkit.config.ts';

/** A bad option and, optionally, the dotted path inside the options its problem must point at. */
export interface BadOption {
  /** Options the schema (or the plugin's `check`) must refuse. */
  readonly options: unknown;
  readonly path?: string;
}

function kitConfig(role: PluginRole, spec: SourceSpec | SinkSpec, partitions: readonly string[]) {
  return {
    pipelines: {
      kit: {
        source: role === 'source' ? spec : memorySource({}),
        sink: role === 'sink' ? spec : memorySink({}),
        partitions: [...partitions],
      },
    },
  };
}

/** The problems `validateConfig` finds in a config with `spec` in `role` and an in-memory counterpart. */
export function configProblems(role: PluginRole, spec: SourceSpec | SinkSpec, partitions: readonly string[] = ['kit']): readonly ConfigProblem[] {
  try {
    validateConfig(kitConfig(role, spec, partitions), CONFIG_FILE);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** Contract "options accepted": the core validates the given options without a problem. */
export function checkOptionsAccepted(role: PluginRole, spec: SourceSpec | SinkSpec, partitions: readonly string[] = ['kit']): void {
  let problems: readonly ConfigProblem[];
  try {
    problems = configProblems(role, spec, partitions);
  } catch (error) {
    throw new ContractError('options accepted', `validateConfig threw ${describeError(error)}`, { cause: error });
  }
  if (problems.length > 0) {
    throw new ContractError('options accepted', `the core rejected the options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/** Contract "bad options rejected": the core reports a problem whose path points into the plugin's options. */
export function checkOptionRejected(role: PluginRole, spec: SourceSpec | SinkSpec, expectedPath?: string): void {
  const base = `pipelines.kit.${role}`;
  const label = JSON.stringify(spec.options);
  const problems = configProblems(role, spec);
  if (problems.length === 0) throw new ContractError('bad options rejected', `the core accepted ${label}`);
  const outside = problems.filter((p) => p.path !== base && !p.path.startsWith(`${base}.`) && !p.path.startsWith(`${base}[`));
  if (outside.length > 0) {
    throw new ContractError('bad options rejected', `${label}: problems outside the options: ${outside.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
  }
  if (expectedPath !== undefined) {
    const want = expectedPath === '' ? base : `${base}.${expectedPath}`;
    if (!problems.some((p) => p.path === want)) {
      throw new ContractError('bad options rejected', `${label}: expected a problem at ${want}, found ${problems.map((p) => p.path).join(', ')}`);
    }
  }
}
