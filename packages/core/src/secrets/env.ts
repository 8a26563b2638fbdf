import { EtlError } from '../errors/etl-error.js';

// Shared through the global object: the config may load its own copy of @etl/core (through jiti).
const REGISTRY = Symbol.for('etl.secretValues');
type GlobalWithSecrets = typeof globalThis & { [REGISTRY]?: Set<string> };

export function secretRegistry(): Set<string> {
  const global = globalThis as GlobalWithSecrets;
  global[REGISTRY] ??= new Set();
  return global[REGISTRY];
}

/**
 * Reads a value from the environment for the config (e.g. an app password) and marks it secret: the run
 * redacts it from every event, error and summary. A missing variable is a config error naming it.
 */
export function env(name: string, options: { optional?: false } ): string;
export function env(name: string, options: { optional: true }): string | undefined;
export function env(name: string): string;
export function env(name: string, options: { optional?: boolean } = {}): string | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') {
    if (options.optional) return undefined;
    throw new EtlError('ENV_MISSING', `environment variable ${name} is not set (the config reads it with env('${name}'))`);
  }
  secretRegistry().add(value);
  return value;
}
