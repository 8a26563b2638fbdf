import { renderKey, type KeyTemplatePart, type KeyValues } from './key-template.js';

/** Digits the part number is zero-padded to, so that up to 99999 parts sort in order. */
export const PART_NUMBER_DIGITS = 5;

/** Bytes kept free in a key for the part suffix: `-` and up to 10 digits. */
export const PART_SUFFIX_RESERVE_BYTES = 11;

/**
 * A key template split where rolled-over objects get their part number: `base` + `-00001` + `extension`.
 * The extension is the text after the last placeholder, within the last path segment, from its first
 * `.` to the end (`.jsonl.gz` in `dt={date}/{partition}.jsonl.gz`, `.ndjson` in `{partition}/data.ndjson`);
 * a value's own dots therefore never count. Without such a dot the extension is empty.
 */
export interface PartKeyTemplate {
  readonly base: readonly KeyTemplatePart[];
  readonly extension: string;
}

export function splitPartKeyTemplate(parts: readonly KeyTemplatePart[]): PartKeyTemplate {
  const last = parts.at(-1);
  if (last === undefined || !('literal' in last)) return { base: parts, extension: '' };
  const segmentStart = last.literal.lastIndexOf('/') + 1;
  const dot = last.literal.indexOf('.', segmentStart);
  if (dot === -1) return { base: parts, extension: '' };
  const stem = last.literal.slice(0, dot);
  return { base: [...parts.slice(0, -1), ...(stem === '' ? [] : [{ literal: stem }])], extension: last.literal.slice(dot) };
}

/** `-00001`, `-00002`, ..., `-99999`, `-100000`. */
export function partSuffix(part: number): string {
  return `-${String(part).padStart(PART_NUMBER_DIGITS, '0')}`;
}

/** The keys of one task's rolled-over objects. */
export interface PartKeys {
  /** The rendered key without part suffix and extension. */
  readonly base: string;
  readonly extension: string;
  key(part: number): string;
  /** The part number if `key` is one of this task's part keys, exactly as `key(part)` renders it. */
  partOf(key: string): number | undefined;
}

export function renderPartKeys(template: PartKeyTemplate, values: KeyValues): PartKeys {
  const base = renderKey(template.base, values);
  const { extension } = template;
  return {
    base,
    extension,
    key: (part) => `${base}${partSuffix(part)}${extension}`,
    partOf(key) {
      if (!key.startsWith(`${base}-`) || !key.endsWith(extension)) return undefined;
      const digits = key.slice(base.length + 1, key.length - extension.length);
      if (!/^\d+$/.test(digits)) return undefined;
      const part = Number(digits);
      return part >= 1 && partSuffix(part) === `-${digits}` ? part : undefined;
    },
  };
}
