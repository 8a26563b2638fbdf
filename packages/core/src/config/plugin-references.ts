import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Jiti } from 'jiti';
import { joinPath, type ConfigProblem } from './config-error.js';
import { fromPipeline } from './partitions-from.js';

/** `{ use: '<module>[#export]', options: {...} }`: a plugin named in a JSON/YAML config. */
interface PluginReference {
  readonly use: string;
  readonly options?: unknown;
}

function isReference(value: unknown): value is PluginReference {
  return typeof value === 'object' && value !== null && typeof (value as { use?: unknown }).use === 'string';
}

type Factory = ((options: unknown) => unknown) & { definition: { name: string } };

function isFactory(value: unknown): value is Factory {
  return typeof value === 'function' && typeof (value as { definition?: { name?: unknown } }).definition?.name === 'string';
}

/**
 * Replaces plugin references (`source`, `sink` of each pipeline, and `state`) by what the named factory
 * returns, so JSON and YAML configs use plugins exactly like TS configs do; the options are then
 * validated the same way. Modules resolve relative to the config file, like an import in it would.
 */
export async function resolvePluginReferences(raw: unknown, configPath: string, file: string): Promise<{ config: unknown; problems: ConfigProblem[] }> {
  const problems: ConfigProblem[] = [];
  if (typeof raw !== 'object' || raw === null) return { config: raw, problems };
  const config = { ...(raw as Record<string, unknown>) };
  // Made on the first reference only: a TS config imports its plugins itself, and needs no loader here.
  let jiti: Jiti | undefined;
  const importModule = async (specifier: string): Promise<Record<string, unknown>> => {
    if (!jiti) {
      // CommonJS, required on use like in load-config.ts.
      const { createJiti } = createRequire(import.meta.url)('jiti') as typeof import('jiti');
      jiti = createJiti(configPath, { interopDefault: false, moduleCache: true, fsCache: false });
    }
    return jiti.import<Record<string, unknown>>(specifier);
  };

  const resolveAt = async (value: unknown, path: (string | number)[]): Promise<unknown> => {
    if (!isReference(value)) return value;
    const unknownKeys = Object.keys(value).filter((k) => k !== 'use' && k !== 'options');
    if (unknownKeys.length > 0) {
      problems.push({ file, path: joinPath([...path, unknownKeys[0] as string]), message: `unknown key '${unknownKeys[0]}'; a plugin reference has only 'use' and 'options'` });
      return value;
    }
    const [specifier, exportName] = value.use.split('#', 2) as [string, string | undefined];
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(specifier);
    } catch (error) {
      problems.push({ file, path: joinPath([...path, 'use']), message: `cannot load '${specifier}' from ${dirname(configPath)}: ${(error as Error).message.split('\n')[0]}` });
      return value;
    }
    const factories = Object.entries(mod).filter(([, v]) => isFactory(v));
    const chosen = exportName !== undefined ? mod[exportName] : isFactory(mod.default) ? mod.default : factories.length === 1 ? factories[0]?.[1] : undefined;
    if (!isFactory(chosen)) {
      const names = factories.map(([name, f]) => `${specifier}#${name} (${(f as Factory).definition.name})`);
      problems.push({
        file,
        path: joinPath([...path, 'use']),
        message: exportName !== undefined
          ? `'${specifier}' has no plugin factory named '${exportName}'; it exports: ${names.join(', ') || 'none'}`
          : `'${specifier}' exports ${factories.length === 0 ? 'no plugin factory' : `several plugin factories; pick one with '#': ${names.join(', ')}`}`,
      });
      return value;
    }
    try {
      return chosen(value.options ?? {});
    } catch (error) {
      problems.push({ file, path: joinPath([...path, 'options']), message: `the factory of '${value.use}' refused these options: ${(error as Error).message}` });
      return value;
    }
  };

  if (typeof config.pipelines === 'object' && config.pipelines !== null) {
    const pipelines: Record<string, unknown> = {};
    for (const [name, pipeline] of Object.entries(config.pipelines as Record<string, unknown>)) {
      if (typeof pipeline !== 'object' || pipeline === null) {
        pipelines[name] = pipeline;
        continue;
      }
      const p = { ...(pipeline as Record<string, unknown>) };
      p.source = await resolveAt(p.source, ['pipelines', name, 'source']);
      p.sink = await resolveAt(p.sink, ['pipelines', name, 'sink']);
      p.partitions = partitionsFromData(p.partitions);
      pipelines[name] = p;
    }
    config.pipelines = pipelines;
  }
  config.state = await resolveAt(config.state, ['state']);
  if (config.state === undefined) delete config.state;
  return { config, problems };
}

/**
 * The data form of `fromPipeline` for JSON/YAML: `{ "fromPipeline": "members", "select": "subject.did" }`
 * selects a dotted path of each upstream record (a string, or an array of strings).
 */
function partitionsFromData(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { fromPipeline: pipeline, select } = value as { fromPipeline?: unknown; select?: unknown };
  if (typeof pipeline !== 'string' || typeof select !== 'string') return value;
  const path = select.split('.');
  return fromPipeline(pipeline, (record: unknown) => {
    let node: unknown = record;
    for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    return typeof node === 'string' || Array.isArray(node) ? (node as string | string[]) : undefined;
  });
}
