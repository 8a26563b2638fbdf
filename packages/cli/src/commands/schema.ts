import { createJiti } from 'jiti';
import { isAbsolute, join } from 'node:path';
import { configJsonSchema, type PluginForSchema } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { schemaMarkdown } from '../render/schema-markdown.js';
import { EXIT, writeLine, type CliIo } from '../io.js';
import { UserError } from '../user-error.js';

/** Plugin modules described when none is named: the built-in ones, if this project has them. */
const DEFAULT_PLUGIN_MODULES = ['@etl/source-atproto', '@etl/sink-s3', '@etl/core'];

/**
 * Prints the JSON Schema of a JSON/YAML config: the envelope plus, for every plugin factory exported by
 * the given modules, `{ use: "<module>#<export>", options: <its options schema> }`.
 */
export async function schemaCommand(args: CliArgs, io: CliIo): Promise<number> {
  const modules = args.plugins.length > 0 ? args.plugins : DEFAULT_PLUGIN_MODULES;
  const jiti = createJiti(join(io.cwd, 'package.json'), { interopDefault: false, fsCache: false });
  const plugins: PluginForSchema[] = [];
  for (const specifier of modules) {
    let mod: Record<string, unknown>;
    try {
      mod = await jiti.import<Record<string, unknown>>(specifier);
    } catch (error) {
      if (args.plugins.length > 0) throw new UserError(`etl schema: --plugin ${specifier}: ${describeImportFailure(specifier, error, io.cwd)}`);
      continue; // a default module this project does not install
    }
    const found = pluginsOf(specifier, mod);
    if (found.length === 0 && args.plugins.length > 0) {
      throw new UserError(`etl schema: --plugin ${specifier}: exports no plugin factory (expected an export made by defineSource, defineSink or defineStateStore)`);
    }
    plugins.push(...found);
  }
  writeLine(io.stdout, args.markdown ? schemaMarkdown(plugins).trimEnd() : JSON.stringify(configJsonSchema(plugins), null, 2));
  return EXIT.ok;
}

/** The plugin factories a module exports: functions with a definition whose spec is a source, sink or state store. */
function pluginsOf(specifier: string, mod: Record<string, unknown>): PluginForSchema[] {
  const out: PluginForSchema[] = [];
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== 'function' || !('definition' in value)) continue;
    let kind: unknown;
    try {
      kind = (value as unknown as (o: object) => { kind?: unknown })({}).kind;
    } catch {
      continue; // not a factory made by defineSource & co, which never throw
    }
    if (kind === 'etl.source' || kind === 'etl.sink' || kind === 'etl.stateStore') {
      out.push({ use: name === 'default' ? specifier : `${specifier}#${name}`, kind, definition: (value as unknown as { definition: PluginForSchema['definition'] }).definition });
    }
  }
  return out;
}

/** Why a `--plugin` module did not load: not there at all (what to do about it), or its own error. */
function describeImportFailure(specifier: string, error: unknown, cwd: string): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const notFound = (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && message.includes(`'${specifier}'`);
  if (notFound) {
    const isPath = specifier.startsWith('.') || isAbsolute(specifier);
    return isPath ? `no such file (a path is relative to ${cwd})` : 'no such module (install it, or give a path)';
  }
  return `cannot be loaded: ${message}`;
}
