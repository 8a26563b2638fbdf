import { closest } from 'fastest-levenshtein';
import type { BackoffConfig, PolicyConfig } from './config-types.js';
import { ConfigError, joinPath, type ConfigProblem } from './config-error.js';
import { durationToMs } from './duration.js';
import { envelopeSchema } from './envelope-schema.js';
import {
  DEFAULT_CONCURRENCY_LIMIT,
  DEFAULT_POLICY,
  type ResolvedBackoff,
  type ResolvedConfig,
  type ResolvedPipeline,
  type ResolvedPolicy,
} from './resolved-config.js';
import { describeFound, SchemaValidator, type SchemaProblem } from './schema-validator.js';
import { isSinkSpec, type SinkPlanEntry, type SinkSpec } from '../plugin/sink.js';
import { isSourceSpec, type SourceSpec } from '../plugin/source.js';
import type { PluginProblem } from '../plugin/source.js';
import { collectSecretValues, isSecretPath } from '../secrets/secret-values.js';
import { isStateStoreSpec, type StateStoreSpec } from '../state/define-state-store.js';
import { isPartitionsFrom, type PartitionsFrom } from './partitions-from.js';

type RawPipeline = {
  source: unknown;
  sink: unknown;
  partitions: string[] | PartitionsFrom;
  group?: string;
  policy?: PolicyConfig;
  transform?: unknown;
  description?: string;
  mode?: 'snapshot' | 'incremental';
  checkpoint?: { everyPages?: number };
};
type RawConfig = {
  concurrency?: { limit?: number; groups?: Record<string, number> };
  state?: unknown;
  policy?: PolicyConfig;
  pipelines: Record<string, RawPipeline>;
};

/**
 * A pipeline's name is part of task ids (`<pipeline>/<partition>`), of sink keys (`{pipeline}`) and of state
 * paths, and is typed on command lines (`-p`, `etl state reset <pipeline>`): no `/`, `\`, whitespace or
 * control characters, no `.`/`..` or leading `.` or `-`.
 */
const PIPELINE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const PIPELINE_NAME_RULE =
  "pipeline names are letters, digits, '_', '-' and '.', starting with a letter, digit or '_', at most 64 characters (a name is part of task ids <pipeline>/<partition>, sink keys and state paths)";

// Compiles in memory only: a library call should not write files. loadConfig passes a validator with a
// disk cache of compiled schemas instead (see compiled-schema-cache.ts).
const inMemoryValidator = new SchemaValidator();

/**
 * Checks a loaded config completely (envelope, every plugin's options, groups, partitions) and resolves
 * defaults. Collects every problem before failing, so one `etl validate` shows them all. No network.
 */
export function validateConfig(raw: unknown, file: string, directory: string = process.cwd()): ResolvedConfig {
  return validateConfigWith(inMemoryValidator, raw, file, directory);
}

/** validateConfig with the schema validator to use. */
export function validateConfigWith(validator: SchemaValidator, raw: unknown, file: string, directory: string): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const add = (list: readonly SchemaProblem[]) => problems.push(...list.map((p) => ({ file, ...p })));

  add(atTheirLevel(validator.validate(envelopeSchema, raw, { at: [] }), raw));
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(problems);
  const config = raw as RawConfig;
  const groups = isPlainObject(config.concurrency?.groups) ? config.concurrency.groups : {};
  const pipelines = isPlainObject(config.pipelines) ? config.pipelines : {};
  const secrets: string[] = [];
  // A plugin value shared by pipelines is checked once, where it is first used; its problems name the others.
  const users = pluginUsers(pipelines);
  // Pipelines with a valid sink and valid partitions, by sink plugin: what each plugin's checkPlan sees.
  const plans = new Map<SinkSpec['definition'], SinkPlanEntry[]>();
  const checked = new Map<object, PluginCheck>();
  const checkOnce = (value: unknown, role: 'source' | 'sink', name: string): PluginCheck => {
    const key = typeof value === 'object' && value !== null ? value : undefined;
    const earlier = key === undefined ? undefined : checked.get(key);
    if (earlier) return earlier;
    const others = (key === undefined ? [] : users.get(key) ?? []).filter((user) => user !== name);
    const note = others.length === 0 ? '' : ` (the same ${role} value is also used by pipeline${others.length > 1 ? 's' : ''} ${others.join(', ')})`;
    const addNoted = note === '' ? add : (list: readonly SchemaProblem[]) => add(list.map((p) => ({ ...p, message: `${p.message}${note}` })));
    const result = checkPlugin(validator, value, role, ['pipelines', name, role], addNoted, secrets);
    if (key !== undefined) checked.set(key, result);
    return result;
  };

  for (const [name, pipeline] of Object.entries(pipelines)) {
    const at = ['pipelines', name];
    if (!PIPELINE_NAME.test(name)) {
      add([{ path: joinPath(at), message: `pipeline name ${JSON.stringify(name)} is not allowed: ${PIPELINE_NAME_RULE}` }]);
    }
    if (!isPlainObject(pipeline)) continue;
    const source = checkOnce(pipeline.source, 'source', name).source;
    const sink = checkOnce(pipeline.sink, 'sink', name).valid as SinkSpec | undefined;
    if (pipeline.transform !== undefined && typeof pipeline.transform !== 'function') {
      add([{ path: joinPath([...at, 'transform']), message: `expected a function, found ${describeFound(pipeline.transform)}` }]);
    }
    if (pipeline.mode === 'incremental' && source && !source.definition.incremental) {
      add([{ path: joinPath([...at, 'mode']), message: `source ${source.definition.name} does not support incremental mode; use mode: 'snapshot'` }]);
    }
    if (typeof pipeline.group === 'string' && !(pipeline.group in groups)) {
      const declared = Object.keys(groups);
      add([{
        path: joinPath([...at, 'group']),
        message: declared.length > 0
          ? `unknown group '${pipeline.group}'; declared in concurrency.groups: ${declared.join(', ')}`
          : `unknown group '${pipeline.group}'; declare it in concurrency.groups, e.g. { ${pipeline.group}: 1 }`,
        suggestion: declared.length > 0 ? `did you mean '${closest(pipeline.group, declared)}'?` : undefined,
      }]);
    }
    const partitionProblems = checkPartitionsValue(pipeline.partitions, source, at, Object.keys(pipelines));
    add(partitionProblems);
    if (sink && partitionProblems.length === 0 && PIPELINE_NAME.test(name)) {
      const partitions = isPartitionsFrom(pipeline.partitions) ? undefined : (pipeline.partitions as string[]);
      const entries = plans.get(sink.definition) ?? [];
      plans.set(sink.definition, [...entries, { pipeline: name, options: sink.options, partitions }]);
    }
    add(checkBackoffOrder(pipeline.policy, [...at, 'policy']));
  }
  add(checkBackoffOrder(config.policy, ['policy']));
  add(checkPipelineGraph(pipelines));
  for (const [definition, entries] of plans) add(checkSinkPlan(definition, entries));
  if (config.state !== undefined) checkStateStore(validator, config.state, add, secrets);

  if (problems.length > 0) throw new ConfigError(problems);
  return resolve(config, file, directory, secrets);
}

/** What checking one plugin value found. */
interface PluginCheck {
  /** The source, when its options pass its schema (so that its partition checks can read them). */
  readonly source: SourceSpec | undefined;
  /** A plugin whose options pass its schema and its own checks. */
  readonly valid: SourceSpec | SinkSpec | undefined;
}

/** The pipelines using each plugin value (by identity), in config order. */
function pluginUsers(pipelines: Record<string, RawPipeline>): Map<object, string[]> {
  const users = new Map<object, string[]>();
  for (const [name, pipeline] of Object.entries(pipelines)) {
    if (!isPlainObject(pipeline)) continue;
    for (const value of new Set([pipeline.source, pipeline.sink])) {
      if (typeof value !== 'object' || value === null) continue;
      users.set(value, [...(users.get(value) ?? []), name]);
    }
  }
  return users;
}

const TOP_LEVEL_KEYS = Object.keys(envelopeSchema.properties);
const PIPELINE_KEYS = Object.keys(envelopeSchema.properties.pipelines.additionalProperties.properties);

/**
 * An unknown key that is a known key of the other level (`concurrency` inside a pipeline, `partitions` at
 * the top) is told where it belongs, instead of a suggestion from the wrong level.
 */
function atTheirLevel(problems: readonly SchemaProblem[], raw: unknown): SchemaProblem[] {
  if (!isPlainObject(raw)) return [...problems];
  const moved = new Map<string, string>();
  for (const key of PIPELINE_KEYS) {
    if (!TOP_LEVEL_KEYS.includes(key)) moved.set(`${joinPath([key])}\u0000${key}`, `'${key}' is not a top-level option; it belongs inside a pipeline (pipelines.<name>.${key})`);
  }
  const pipelines = (raw as { pipelines?: unknown }).pipelines;
  if (isPlainObject(pipelines)) {
    for (const name of Object.keys(pipelines)) {
      for (const key of TOP_LEVEL_KEYS) {
        if (!PIPELINE_KEYS.includes(key)) moved.set(`${joinPath(['pipelines', name, key])}\u0000${key}`, `'${key}' is not a pipeline option; it belongs at the top level of the config`);
      }
    }
  }
  return problems.map((problem) => {
    const key = /^unknown key '(.*?)'/.exec(problem.message)?.[1];
    const message = key === undefined ? undefined : moved.get(`${problem.path}\u0000${key}`);
    return message === undefined ? problem : { path: problem.path, message };
  });
}

function checkPlugin(
  validator: SchemaValidator,
  value: unknown,
  role: 'source' | 'sink',
  at: readonly (string | number)[],
  add: (problems: readonly SchemaProblem[]) => void,
  secrets: string[],
): PluginCheck {
  const none: PluginCheck = { source: undefined, valid: undefined };
  const path = joinPath(at);
  const matches = role === 'source' ? isSourceSpec(value) : isSinkSpec(value);
  if (!matches) {
    const other = role === 'source' ? isSinkSpec(value) : isSourceSpec(value);
    add([{
      path,
      message: other
        ? `expected a ${role}, found a ${role === 'source' ? 'sink' : 'source'} (${(value as SourceSpec).definition.name})`
        : `expected a ${role} made by a ${role} plugin factory (e.g. ${role === 'source' ? 'atprotoAuthorFeed({ ... })' : 's3Sink({ ... })'}), found ${describeFound(value)}`,
    }]);
    return none;
  }
  const spec = value as SourceSpec | SinkSpec;
  const { definition } = spec;
  let schemaProblems: SchemaProblem[];
  try {
    schemaProblems = validator.validate(definition.options as object, spec.options, {
      at,
      isSecretPath: (segments) => isSecretPath(definition.options, segments.slice(at.length)),
    });
  } catch (error) {
    add([{ path, message: `plugin '${definition.name}' declares an invalid options schema: ${(error as Error).message}` }]);
    return none;
  }
  add(schemaProblems);
  secrets.push(...collectSecretValues(definition.options, spec.options));
  const checkProblems = runCheck(definition.check, spec.options, at, schemaProblems.length > 0);
  add(checkProblems);
  const schemaValid = schemaProblems.length === 0;
  return {
    source: role === 'source' && schemaValid ? (spec as SourceSpec) : undefined,
    valid: schemaValid && checkProblems.length === 0 ? spec : undefined,
  };
}

/**
 * Runs a plugin's own checks, also on options that failed the schema, so that one run reports both; each
 * check guards the values it reads. A check that throws on options the schema already refused adds nothing.
 */
function runCheck(
  check: ((options: never) => readonly PluginProblem[]) | undefined,
  options: unknown,
  at: readonly (string | number)[],
  schemaFailed: boolean,
): SchemaProblem[] {
  if (!check) return [];
  try {
    return pluginProblems((check as (options: unknown) => readonly PluginProblem[])(options), at);
  } catch (error) {
    if (schemaFailed) return [];
    throw error;
  }
}

function pluginProblems(problems: readonly PluginProblem[], at: readonly (string | number)[]): SchemaProblem[] {
  return problems.map((p) => ({ path: [joinPath(at), p.path].filter(Boolean).join('.'), message: p.message }));
}

function checkPartitionsValue(value: unknown, source: SourceSpec | undefined, at: readonly string[], pipelineNames: readonly string[]): SchemaProblem[] {
  const path = joinPath([...at, 'partitions']);
  if (isPartitionsFrom(value)) {
    const others = pipelineNames.filter((name) => name !== at[1]);
    if (typeof value.pipeline !== 'string') return [{ path, message: `fromPipeline(...) needs the name of a pipeline, found ${describeFound(value.pipeline)}` }];
    if (typeof value.select !== 'function') return [{ path, message: `fromPipeline(...) needs a select function, found ${describeFound(value.select)}` }];
    if (value.pipeline === at[1]) return [{ path, message: `a pipeline cannot take its partitions from itself ('${value.pipeline}')` }];
    if (!others.includes(value.pipeline)) {
      return [{
        path,
        message: `fromPipeline('${value.pipeline}'): no such pipeline; pipelines: ${others.join(', ') || '(none)'}`,
        suggestion: others.length > 0 ? `did you mean '${closest(value.pipeline, others)}'?` : undefined,
      }];
    }
    return [];
  }
  if (!Array.isArray(value)) {
    return [{ path, message: `expected an array of partition strings or fromPipeline(name, select), found ${describeFound(value)}` }];
  }
  if (value.length === 0) return [{ path, message: 'expected at least 1 item(s), found an empty array' }];
  const problems: SchemaProblem[] = [];
  value.forEach((partition, index) => {
    if (typeof partition !== 'string' || partition.length === 0) {
      problems.push({ path: joinPath([...at, 'partitions', index]), message: `expected a non-empty string, found ${describeFound(partition)}` });
    }
  });
  return [...problems, ...checkPartitions(value, source, at)];
}

/** A sink plugin's own checks across the pipelines writing to it (e.g. two tasks rendering one object key). */
function checkSinkPlan(definition: SinkSpec['definition'], entries: readonly SinkPlanEntry[]): SchemaProblem[] {
  if (!definition.checkPlan) return [];
  const known = new Set(entries.map((entry) => entry.pipeline));
  return definition.checkPlan(entries).map((problem) => {
    const at = known.has(problem.pipeline) ? joinPath(['pipelines', problem.pipeline, 'sink']) : 'pipelines';
    return { path: [at, problem.path].filter(Boolean).join('.'), message: problem.message };
  });
}

/** Pipelines fed by other pipelines form a graph; a cycle would wait forever. */
function checkPipelineGraph(pipelines: Record<string, RawPipeline>): SchemaProblem[] {
  const upstream = new Map<string, string>();
  for (const [name, p] of Object.entries(pipelines)) {
    if (isPlainObject(p) && isPartitionsFrom(p.partitions) && typeof p.partitions.pipeline === 'string' && p.partitions.pipeline !== name && p.partitions.pipeline in pipelines) {
      upstream.set(name, p.partitions.pipeline);
    }
  }
  const problems: SchemaProblem[] = [];
  const reported = new Set<string>();
  for (const start of upstream.keys()) {
    const path: string[] = [start];
    let current = upstream.get(start);
    while (current !== undefined && !path.includes(current)) {
      path.push(current);
      current = upstream.get(current);
    }
    if (current === start && !reported.has(start)) {
      path.forEach((name) => reported.add(name));
      problems.push({ path: joinPath(['pipelines', start, 'partitions']), message: `pipelines feed each other in a cycle: ${[...path, start].join(' <- ')}` });
    }
  }
  return problems;
}

function checkStateStore(validator: SchemaValidator, value: unknown, add: (problems: readonly SchemaProblem[]) => void, secrets: string[]): void {
  if (!isStateStoreSpec(value)) {
    add([{ path: 'state', message: `expected a state store such as localState({ directory: '.etl' }), found ${describeFound(value)}` }]);
    return;
  }
  const problems = validator.validate(value.definition.options, value.options, {
    at: ['state'],
    isSecretPath: (segments) => isSecretPath(value.definition.options, segments.slice(1)),
  });
  add(problems);
  secrets.push(...collectSecretValues(value.definition.options, value.options));
  add(runCheck(value.definition.check, value.options, ['state'], problems.length > 0));
}

function checkPartitions(partitions: readonly unknown[], source: SourceSpec | undefined, at: readonly string[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const firstIndex = new Map<string, number>();
  partitions.forEach((partition, index) => {
    if (typeof partition !== 'string' || partition.length === 0) return; // the envelope schema reported it
    const path = joinPath([...at, 'partitions', index]);
    const earlier = firstIndex.get(partition);
    if (earlier !== undefined) {
      problems.push({ path, message: `duplicate partition '${partition}' (also at partitions[${earlier}])` });
      return;
    }
    firstIndex.set(partition, index);
    const problem = source?.definition.checkPartition?.(partition, source.options);
    if (problem) problems.push({ path, message: `invalid partition '${partition}' for ${source?.definition.name}: ${problem}` });
  });
  return problems;
}

function checkBackoffOrder(policy: PolicyConfig | undefined, at: readonly string[]): SchemaProblem[] {
  const backoff = policy?.retry?.backoff;
  // The schema skips keys set to undefined: `{ constant: undefined }` passes it but has no backoff to resolve.
  if (isPlainObject(backoff) && Object.keys(backoff).length > 0 && Object.values(backoff).every((value) => value === undefined)) {
    return [{ path: joinPath([...at, 'retry', 'backoff']), message: 'expected constant or exponential, found only keys set to undefined' }];
  }
  // Wrong shapes (a number for backoff, say) were already reported by the schema.
  if (!isPlainObject(backoff) || !('exponential' in backoff) || !isPlainObject(backoff.exponential)) return [];
  const { initial, max } = backoff.exponential;
  try {
    if (durationToMs(initial) > durationToMs(max)) {
      return [{ path: joinPath([...at, 'retry', 'backoff', 'exponential']), message: `expected initial <= max, found initial ${initial} > max ${max}` }];
    }
  } catch {
    // Malformed durations were already reported by the schema.
  }
  return [];
}

function resolve(config: RawConfig, file: string, directory: string, secrets: string[]): ResolvedConfig {
  const defaults = resolvePolicy(config.policy, DEFAULT_POLICY);
  const pipelines: ResolvedPipeline[] = Object.entries(config.pipelines).map(([name, p]) => ({
    name,
    source: p.source as SourceSpec,
    sink: p.sink as SinkSpec,
    partitions: isPartitionsFrom(p.partitions) ? [] : [...p.partitions],
    partitionsFrom: isPartitionsFrom(p.partitions) ? { pipeline: p.partitions.pipeline, select: p.partitions.select } : undefined,
    group: p.group,
    policy: resolvePolicy(p.policy, defaults),
    transform: p.transform as ResolvedPipeline['transform'],
    description: p.description,
    mode: p.mode ?? 'snapshot',
    checkpointEveryPages: p.checkpoint?.everyPages,
  }));
  return {
    file,
    directory,
    state: config.state as StateStoreSpec | undefined,
    concurrency: {
      limit: config.concurrency?.limit ?? DEFAULT_CONCURRENCY_LIMIT,
      groups: new Map(Object.entries(config.concurrency?.groups ?? {})),
    },
    pipelines,
    secrets,
  };
}

function resolvePolicy(policy: PolicyConfig | undefined, base: ResolvedPolicy): ResolvedPolicy {
  return {
    attempts: policy?.retry?.attempts ?? base.attempts,
    backoff: policy?.retry?.backoff ? resolveBackoff(policy.retry.backoff) : base.backoff,
    bulkhead: policy?.bulkhead ?? base.bulkhead,
  };
}

function resolveBackoff(backoff: BackoffConfig): ResolvedBackoff {
  if ('constant' in backoff) return { kind: 'constant', delayMs: durationToMs(backoff.constant) };
  return { kind: 'exponential', initialMs: durationToMs(backoff.exponential.initial), maxMs: durationToMs(backoff.exponential.max) };
}

function isPlainObject<T>(value: T): value is T & object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
