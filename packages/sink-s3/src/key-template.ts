/** Placeholders a key template may use, in the order the docs list them. */
export const KEY_PLACEHOLDERS = ['pipeline', 'partition', 'date', 'hour', 'runId'] as const;
export type KeyPlaceholder = (typeof KEY_PLACEHOLDERS)[number];

export type KeyTemplatePart = { readonly literal: string } | { readonly placeholder: KeyPlaceholder };

/** What a key is rendered from: the task a writer is opened for. */
export interface KeyValues {
  readonly pipeline: string;
  readonly partition: string;
  readonly runId: string;
  readonly runStartedAt: Date;
}

export type ParsedKeyTemplate =
  | { readonly ok: true; readonly parts: readonly KeyTemplatePart[] }
  | { readonly ok: false; readonly message: string };

const ALLOWED = KEY_PLACEHOLDERS.map((name) => `{${name}}`).join(', ');

function isPlaceholder(name: string): name is KeyPlaceholder {
  return (KEY_PLACEHOLDERS as readonly string[]).includes(name);
}

/** Splits a template into literals and placeholders; reports the first syntax problem. */
export function parseKeyTemplate(template: string): ParsedKeyTemplate {
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
    if (!isPlaceholder(name)) {
      return { ok: false, message: `unknown placeholder {${name}}; allowed placeholders: ${ALLOWED}` };
    }
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ placeholder: name });
    index = end + 1;
  }
  if (literal !== '') parts.push({ literal });
  return { ok: true, parts };
}

/** Problems with a key template, as messages (empty when the template is usable). */
export function checkKeyTemplate(template: string): string[] {
  const problems: string[] = [];
  const parsed = parseKeyTemplate(template);
  if (!parsed.ok) problems.push(parsed.message);
  if (template.startsWith('/')) {
    problems.push('the key must not start with "/": S3 would create an object under an empty folder name');
  }
  // Filesystem-backed S3-compatibles (s3rver, MinIO in FS mode) and `aws s3 sync` resolve these segments.
  if (template.split('/').some((segment) => segment === '..' || segment === '.')) {
    problems.push('the key must not contain "." or ".." segments');
  }
  return problems;
}

/**
 * Makes a value safe as (part of) one key segment, so a partition such as `../../etc` or `a/b` cannot
 * leave the key prefix: percent-encoding as encodeURIComponent does, plus `.` when the whole value is
 * `.` or `..` (encodeURIComponent leaves dots alone). The result decodes back with decodeURIComponent.
 */
export function encodeKeySegment(value: string): string {
  if (value === '.' || value === '..') return value.replaceAll('.', '%2E');
  return encodeURIComponent(value);
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

/** Renders a parsed template; throws a URIError for values that are not well-formed Unicode. */
export function renderKey(parts: readonly KeyTemplatePart[], values: KeyValues): string {
  return parts.map((part) => ('literal' in part ? part.literal : placeholderValue(part.placeholder, values))).join('');
}
