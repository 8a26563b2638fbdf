import { createJiti } from 'jiti';
import { join } from 'node:path';
import { configJsonSchema, type PluginForSchema } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { schemaMarkdown } from '../render/schema-markdown.js';
import { EXIT, writeLine, type CliIo } from '../io.js';

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
      if (args.plugins.length > 0) throw new Error(`cannot load plugin module '${specifier}' from ${io.cwd}: ${(error as Error).message.split('\n')[0]}`);
      continue; // a default module this project does not install
    }
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== 'function' || !('definition' in value)) continue;
      const kind = (value as unknown as (o: object) => { kind?: unknown })({}).kind;
      if (kind === 'etl.source' || kind === 'etl.sink' || kind === 'etl.stateStore') {
        plugins.push({ use: name === 'default' ? specifier : `${specifier}#${name}`, kind, definition: (value as unknown as { definition: PluginForSchema['definition'] }).definition });
      }
    }
  }
  writeLine(io.stdout, args.markdown ? schemaMarkdown(plugins).trimEnd() : JSON.stringify(configJsonSchema(plugins), null, 2));
  return EXIT.ok;
}
