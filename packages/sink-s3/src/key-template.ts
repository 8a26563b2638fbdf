import { encodeKeySegment, MAX_ENCODED_VALUE_BYTES } from './key-encoding.js';

/** Placeholders a key template may use, in the order the docs list them. */
export const KEY_PLACEHOLDERS = ['pipeline', 'partition', 'date', 'hour', 'runId'] as const;
export type KeyPlaceholder = (typeof KEY_PLACEHOLDERS)[number];

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

export type KeyTemplatePart = { readonly literal: string } | { readonly placeholder: KeyPlaceholder };

/** What a key is rendered from: the task a writer is opened for (or, for a manifest, the run). */
export interface KeyValues {
  readonly pipeline: string;
  readonly partition: string;
  readonly runId: string;
  readonly runStartedAt: Date;
}

export type ParsedKeyTemplate =
  | { readonly ok: true; readonly parts: readonly KeyTemplatePart[] }
  | { readonly ok: false; readonly message: string };

function listPlaceholders(names: readonly KeyPlaceholder[]): string {
  return names.map((name) => `{${name}}`).join(', ');
}

/** Splits a template into literals and placeholders; reports the first syntax problem. */
export function parseKeyTemplate(template: string, allowed: readonly KeyPlaceholder[] = KEY_PLACEHOLDERS): ParsedKeyTemplate {
  const parts: KeyTemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < template.length) {
    const char = template[index];
    if (char === '}') {
      return { ok: false, message: `unbalanced braces: "}" at position ${index} has no matching "{"` };
    }
    if (char !== '{') {
      literal += char;
      index += 1;
      continue;
    }
    const end = template.indexOf('}', index + 1);
    const nextOpen = template.indexOf('{', index + 1);
    if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
      return { ok: false, message: `unbalanced braces: "{" at position ${index} is not closed` };
    }
    const name = template.slice(index + 1, end);
    const placeholder = allowed.find((candidate) => candidate === name);
    if (placeholder === undefined) {
      return { ok: false, message: `unknown placeholder {${name}}; allowed placeholders: ${listPlaceholders(allowed)}` };
    }
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ placeholder });
    index = end + 1;
  }
  if (literal !== '') parts.push({ literal });
  return { ok: true, parts };
}

/** The longest key a placeholder can render to, in bytes (values are encoded, hence ASCII). */
function maxPlaceholderBytes(name: KeyPlaceholder): number {
  if (name === 'date') return 'YYYY-MM-DD'.length;
  if (name === 'hour') return 'HH'.length;
  return MAX_ENCODED_VALUE_BYTES;
}

/** The longest key the template can render, in UTF-8 bytes, before any part suffix. */
export function maxRenderedBytes(parts: readonly KeyTemplatePart[]): number {
  return parts.reduce((sum, part) => sum + ('literal' in part ? Buffer.byteLength(part.literal, 'utf8') : maxPlaceholderBytes(part.placeholder)), 0);
}

/**
 * Problems with a key template, as messages (empty when the template is usable). `reserveBytes` is room
 * kept for what is appended after rendering (the rollover part suffix).
 */
export function checkKeyTemplate(template: string, allowed: readonly KeyPlaceholder[] = KEY_PLACEHOLDERS, reserveBytes = 0): string[] {
  const problems: string[] = [];
  const parsed = parseKeyTemplate(template, allowed);
  if (!parsed.ok) problems.push(parsed.message);
  if (template.startsWith('/')) {
    problems.push('the key must not start with "/": S3 would create an object under an empty folder name');
  }
  // Filesystem-backed S3-compatibles (s3rver, MinIO in FS mode) and `aws s3 sync` resolve these segments.
  if (template.split('/').some((segment) => segment === '..' || segment === '.')) {
    problems.push('the key must not contain "." or ".." segments');
  }
  if (parsed.ok) {
    const longest = maxRenderedBytes(parsed.parts) + reserveBytes;
    if (longest > MAX_KEY_BYTES) {
      problems.push(
        `keys rendered from this template can reach ${longest} bytes (each {pipeline}, {partition} and {runId} up to ${MAX_ENCODED_VALUE_BYTES}${reserveBytes > 0 ? `, plus ${reserveBytes} for the part suffix` : ''}); S3 allows ${MAX_KEY_BYTES}: shorten the literal text or use fewer placeholders`,
      );
    }
  }
  return problems;
}

function placeholderValue(name: KeyPlaceholder, values: KeyValues): string {
  switch (name) {
    // Values that come from config or partitions are encoded; date and hour are ours and always safe.
    case 'pipeline':
      return encodeKeySegment(values.pipeline);
    case 'partition':
      return encodeKeySegment(values.partition);
    case 'runId':
      return encodeKeySegment(values.runId);
    case 'date':
      return values.runStartedAt.toISOString().slice(0, 10);
    case 'hour':
      return values.runStartedAt.toISOString().slice(11, 13);
  }
}

/** Renders a parsed template; throws a KeyValueError for values that are not well-formed Unicode. */
export function renderKey(parts: readonly KeyTemplatePart[], values: KeyValues): string {
  return parts.map((part) => ('literal' in part ? part.literal : placeholderValue(part.placeholder, values))).join('');
}
