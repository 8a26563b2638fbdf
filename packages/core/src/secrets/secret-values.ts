import type { OptionsSchema } from '../plugin/options-schema.js';

type SchemaNode = { secret?: unknown; properties?: Record<string, unknown>; items?: unknown };

/** Every value in `options` that its schema marks `secret: true` (walks nested objects and arrays). */
export function collectSecretValues(schema: OptionsSchema, options: unknown): string[] {
  const found: string[] = [];
  walk(schema, options, (value) => leaves(value, found));
  return found;
}

/** A secret object (e.g. a map of secret headers) is secret all the way down. */
function leaves(value: unknown, into: string[]): void {
  if (typeof value === 'string' && value.length > 0) into.push(value);
  else if (typeof value === 'number') into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) leaves(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) leaves(item, into);
}

/** A copy of `options` with every secret value replaced by `***`, for plans and docs. */
export function redactOptions(schema: OptionsSchema, options: unknown): unknown {
  const secrets = new Set<unknown>();
  walk(schema, options, (value) => secrets.add(value));
  return copyWithout(options, secrets);
}

function walk(schema: unknown, value: unknown, onSecret: (value: unknown) => void): void {
  if (typeof schema !== 'object' || schema === null || value === undefined) return;
  const node = schema as SchemaNode;
  if (node.secret === true) {
    onSecret(value);
    return;
  }
  if (Array.isArray(value) && node.items) {
    for (const item of value) walk(node.items, item, onSecret);
  } else if (typeof value === 'object' && value !== null && node.properties) {
    for (const [key, child] of Object.entries(node.properties)) {
      walk(child, (value as Record<string, unknown>)[key], onSecret);
    }
  }
}

function copyWithout(value: unknown, secrets: Set<unknown>): unknown {
  if (secrets.has(value)) return '***';
  if (Array.isArray(value)) return value.map((item) => copyWithout(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyWithout(v, secrets)]));
  }
  return value;
}

/** Whether the schema marks the value at `path` (inside the options) as secret, or lies inside a secret value. */
export function isSecretPath(schema: OptionsSchema, path: readonly (string | number)[]): boolean {
  let node: unknown = schema;
  for (const segment of path) {
    if (isSecretNode(node)) return true;
    const current = node as SchemaNode;
    node = typeof segment === 'number' ? current.items : current.properties?.[segment];
  }
  return isSecretNode(node);
}

function isSecretNode(node: unknown): boolean {
  return typeof node === 'object' && node !== null && (node as SchemaNode).secret === true;
}
