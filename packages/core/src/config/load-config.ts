import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Loader } from 'cosmiconfig';
import { ConfigError } from './config-error.js';
import type { ResolvedConfig } from './resolved-config.js';
import { resolvePluginReferences } from './plugin-references.js';
import { CompiledSchemaCache } from './compiled-schema-cache.js';
import { SchemaValidator } from './schema-validator.js';
import { validateConfigWith } from './validate-config.js';

const MODULE_NAME = 'etl';

// cosmiconfig and jiti are loaded when a config is, not when @etl/core is imported (every config and plugin
// imports it, mostly for types and factories). Both are CommonJS: require() skips the export scan Node runs
// when ESM imports CommonJS, which for jiti's 190 KB bundle costs more than loading it.
const require = createRequire(import.meta.url);

/** Where `etl` looks for a config, in this order, in the working directory and up to the project root. */
export const CONFIG_SEARCH_PLACES = [
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.yaml`,
  `.${MODULE_NAME}rc.yml`,
  `.${MODULE_NAME}rc.ts`,
  `.${MODULE_NAME}rc.mts`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.mjs`,
  `.${MODULE_NAME}rc.cjs`,
  `${MODULE_NAME}.config.ts`,
  `${MODULE_NAME}.config.mts`,
  `${MODULE_NAME}.config.cts`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.mjs`,
  `${MODULE_NAME}.config.cjs`,
  `${MODULE_NAME}.config.json`,
  `${MODULE_NAME}.config.yaml`,
  `${MODULE_NAME}.config.yml`,
];

export interface LoadConfigOptions {
  /** An explicit config file (`--config`); otherwise the search places are tried from `cwd`. */
  readonly configFile?: string | undefined;
  readonly cwd?: string | undefined;
}

export interface LoadedConfig {
  readonly config: ResolvedConfig;
  /** Absolute path of the file. */
  readonly filepath: string;
}

/**
 * TS and JS configs go through jiti: no build step, and workspace packages or npm plugins imported by
 * the config resolve like any Node import. Node 20 cannot `import()` a `.ts` file itself.
 *
 * jiti's transpile cache stays on (its default; JITI_FS_CACHE=false turns it off): transpiling a TS config
 * loads Babel and costs ~250 ms on every command, while a cached transpile is a file read. The cache is
 * keyed by the file's path and checked against a hash of its source, so an edited config is transpiled
 * again. jiti keeps it in `node_modules/.cache/jiti` beside the config, else in the OS temp directory.
 */
const moduleLoader: Loader = async (filepath) => {
  const { createJiti } = require('jiti') as typeof import('jiti');
  const jiti = createJiti(filepath, { interopDefault: true, moduleCache: false });
  const mod = await jiti.import<Record<string, unknown>>(filepath);
  if (!mod || !('default' in mod) || mod.default === undefined) {
    throw new ConfigError([{ file: displayPath(filepath), path: '', message: 'has no default export; expected `export default defineConfig({ ... })`' }]);
  }
  return mod.default;
};

/** Finds, loads, validates and resolves the config. Every failure is a ConfigError (exit code 2). */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const { cosmiconfig } = require('cosmiconfig') as typeof import('cosmiconfig');
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: CONFIG_SEARCH_PLACES,
    searchStrategy: 'project',
    cache: false,
    loaders: {
      '.ts': moduleLoader,
      '.mts': moduleLoader,
      '.cts': moduleLoader,
      '.js': moduleLoader,
      '.mjs': moduleLoader,
      '.cjs': moduleLoader,
    },
  });

  let result: Awaited<ReturnType<typeof explorer.load>>;
  const explicit = options.configFile ? (isAbsolute(options.configFile) ? options.configFile : resolve(cwd, options.configFile)) : undefined;
  try {
    if (explicit) {
      if (!existsSync(explicit)) {
        throw new ConfigError([{ file: displayPath(explicit, cwd), path: '', message: 'config file not found' }]);
      }
      result = await explorer.load(explicit);
    } else {
      result = await explorer.search(cwd);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const file = explicit ?? findFileInMessage(error) ?? 'config';
    throw new ConfigError([{ file: displayPath(file, cwd), path: '', message: `cannot be loaded: ${describeLoadError(error)}` }], { cause: error });
  }
  if (!result) {
    throw new ConfigError([{
      file: displayPath(cwd, cwd) || '.',
      path: '',
      message: `no config found; create etl.config.ts (or pass --config <file>). Looked for: ${CONFIG_SEARCH_PLACES.join(', ')}`,
    }]);
  }
  const file = displayPath(result.filepath, cwd);
  if (result.isEmpty) throw new ConfigError([{ file, path: '', message: 'is empty' }]);

  let exported: unknown = result.config;
  try {
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
    else exported = await exported;
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `its exported function/promise failed: ${describeLoadError(error)}` }], { cause: error });
  }
  const { config: withPlugins, problems } = await resolvePluginReferences(exported, result.filepath, file);
  if (problems.length > 0) throw new ConfigError(problems);
  const directory = dirname(result.filepath);
  // Commands run again and again on the same config: its compiled schemas are kept on disk, as importing
  // ajv and compiling them was about half of a warm `etl validate` (see compiled-schema-cache.ts).
  const validator = new SchemaValidator(CompiledSchemaCache.near(directory));
  return { config: validateConfigWith(validator, withPlugins, file, directory), filepath: result.filepath };
}

function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function describeLoadError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 6).join('\n    ');
  return String(error);
}

function findFileInMessage(error: unknown): string | undefined {
  const filepath = (error as { filepath?: unknown }).filepath;
  return typeof filepath === 'string' ? filepath : undefined;
}
