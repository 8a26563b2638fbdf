import type { ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import type { CompiledSchemaCache } from './compiled-schema-cache.js';
import { joinPath } from './config-error.js';
import { SchemaCompiler, type CompiledSchema } from './schema-compiler.js';

/** A problem found by a JSON Schema, before the file name is attached. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
  readonly suggestion?: string | undefined;
}

export interface ValidateOptions {
  /** Path segments the data sits under in the config, prefixed to every problem's path. */
  readonly at: readonly (string | number)[];
  /** Values to show as `***` when echoed back in a message. */
  readonly isSecretPath?: (path: readonly (string | number)[]) => boolean;
}

/**
 * Validates data against JSON Schemas and turns ajv's errors into problems a user can act on. With a
 * compiled-schema cache, a schema compiled by an earlier process is loaded instead of compiled again.
 */
export class SchemaValidator {
  private readonly compiler = new SchemaCompiler();
  private readonly compiled = new WeakMap<object, CompiledSchema>();

  constructor(private readonly cache?: CompiledSchemaCache) {}

  /** Compiles once per schema object; throws ajv's own error for a schema that is not valid JSON Schema. */
  compile(schema: object): CompiledSchema {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.loadOrCompile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  private loadOrCompile(schema: object): CompiledSchema {
    const key = this.cache?.keyOf(schema);
    const cached = key === undefined ? undefined : this.cache?.load(key);
    if (cached) return cached;
    const compiled = this.compiler.compile(schema);
    if (key !== undefined) this.cache?.store(key, compiled.standaloneCode());
    return compiled.validate;
  }

  validate(schema: object, data: unknown, options: ValidateOptions): SchemaProblem[] {
    const validate = this.compile(schema);
    if (validate(data)) return [];
    return toProblems(validate.errors ?? [], data, options);
  }
}

function toProblems(errors: readonly ErrorObject[], data: unknown, options: ValidateOptions): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // A union type reports its "type" error once per branch that failed; one line is enough.
    const problem = toProblem(error, data, options);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function toProblem(error: ErrorObject, data: unknown, options: ValidateOptions): SchemaProblem {
  const segments = [...options.at, ...pointerToSegments(error.instancePath)];
  const found = describeFound(valueAt(data, error.instancePath), options.isSecretPath?.(segments) ?? false);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closeEnough(key, allowed);
      const expected = allowed.length > 0 ? `; expected one of: ${allowed.join(', ')}` : '';
      return { path: joinPath([...segments, key]), message: `unknown key '${key}'${expected}`, suggestion };
    }
    case 'required':
      return { path: joinPath([...segments, String(params.missingProperty)]), message: 'is required but missing' };
    case 'type':
      return { path: joinPath(segments), message: `expected ${[params.type].flat().join(' or ')}, found ${found}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const suggestion = typeof valueAt(data, error.instancePath) === 'string'
        ? `did you mean ${closest(JSON.stringify(valueAt(data, error.instancePath)), allowed)}?`
        : undefined;
      return { path: joinPath(segments), message: `expected one of ${allowed.join(', ')}, found ${found}`, suggestion };
    }
    case 'const':
      return { path: joinPath(segments), message: `expected ${JSON.stringify(params.allowedValue)}, found ${found}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: joinPath(segments), message: `expected a number ${String(params.comparison)} ${String(params.limit)}, found ${found}` };
    case 'minItems':
      return { path: joinPath(segments), message: `expected at least ${String(params.limit)} item(s), found ${found}` };
    case 'maxItems':
      return { path: joinPath(segments), message: `expected at most ${String(params.limit)} item(s), found ${found}` };
    case 'minLength':
      return { path: joinPath(segments), message: `expected a string of at least ${String(params.limit)} character(s), found ${found}` };
    case 'maxLength':
      return { path: joinPath(segments), message: `expected a string of at most ${String(params.limit)} character(s), found ${found}` };
    case 'minProperties':
      return { path: joinPath(segments), message: `expected at least ${String(params.limit)} key(s), found ${found}` };
    case 'maxProperties':
      return { path: joinPath(segments), message: `expected at most ${String(params.limit)} key(s), found ${found}` };
    case 'pattern':
      return { path: joinPath(segments), message: `expected a string matching ${String(params.pattern)}, found ${found}` };
    case 'format':
      return { path: joinPath(segments), message: `expected a ${String(params.format)}, found ${found}` };
    default:
      return { path: joinPath(segments), message: `${error.message ?? 'is invalid'}, found ${found}` };
  }
}

/** The allowed key nearest to a mistyped one, as a suggestion; none when even the nearest is far off (a key from another level). */
function closeEnough(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const nearest = closest(key, allowed as string[]);
  return distance(key.toLowerCase(), nearest.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3)) ? `did you mean '${nearest}'?` : undefined;
}

function pointerToSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const segment of pointerToSegments(pointer)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** A short, readable rendering of the offending value. */
export function describeFound(value: unknown, secret = false): string {
  if (secret) return '*** (secret)';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 5).join(', ')}`;
  }
  // JSON.stringify throws on a bigint and gives undefined for a symbol.
  const text = typeof value === 'bigint' ? `${value}n` : typeof value === 'symbol' ? String(value) : JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
