import { createHash } from 'node:crypto';

/**
 * The longest a value may be once encoded. Keeps one path segment (value + part suffix + extension +
 * the `._S3rver_metadata.json` suffix s3rver adds) under the 255-byte file-name limit of filesystem
 * backed stores, and bounds how much of the 1024-byte S3 key limit one placeholder can take.
 */
export const MAX_ENCODED_VALUE_BYTES = 200;

/** Separates the kept prefix of a shortened value from its hash; the encoding never emits it otherwise. */
export const SHORTENED_MARKER = '!';

/** Hex digits of SHA-256 kept in a shortened value: 128 bits, so distinct values do not collide. */
export const SHORTENED_HASH_HEX_DIGITS = 32;

const KEPT = /^[A-Za-z0-9._-]$/;
const SHORTENED = new RegExp(`^([^${SHORTENED_MARKER}]*)${SHORTENED_MARKER}([0-9a-f]{${SHORTENED_HASH_HEX_DIGITS}})$`);

function isLoneSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

/** One code point as it appears in a key: itself if kept, else its UTF-8 bytes as uppercase `%XX`. */
function encodeCodePoint(char: string): string {
  if (KEPT.test(char)) return char;
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

export class KeyValueError extends Error {
  override readonly name = 'KeyValueError';
}

/**
 * Makes a value safe as (part of) one key segment. Letters, digits, `-`, `.` and `_` stay as they are;
 * every other code point becomes its UTF-8 bytes as `%XX` (uppercase hex), so `/`, `\`, `%`, `!`,
 * control characters, spaces and non-ASCII text can neither leave the segment nor confuse globbing or
 * shell quoting. A value that is exactly `.` or `..` has its dots encoded too. The result decodes back
 * with `decodeURIComponent`.
 *
 * When the encoded form would exceed MAX_ENCODED_VALUE_BYTES it is shortened to the longest whole-code-point
 * prefix that fits, then `!`, then the first 32 hex digits of SHA-256 of the full value (UTF-8): still
 * unique, and identifiable (see `decodeKeySegment`, `keySegmentMatches`).
 *
 * Throws a KeyValueError for strings that are not well-formed Unicode (lone surrogates): S3 keys are
 * UTF-8, and mapping them to U+FFFD would make distinct values collide.
 */
export function encodeKeySegment(value: string): string {
  if (value === '.' || value === '..') return value.replaceAll('.', '%2E');
  const encoded: string[] = [];
  let length = 0;
  for (const char of value) {
    if (isLoneSurrogate(char)) throw new KeyValueError(`the value ${JSON.stringify(value)} is not well-formed Unicode (it has a lone surrogate)`);
    const piece = encodeCodePoint(char);
    encoded.push(piece);
    length += piece.length;
  }
  if (length <= MAX_ENCODED_VALUE_BYTES) return encoded.join('');

  const budget = MAX_ENCODED_VALUE_BYTES - SHORTENED_MARKER.length - SHORTENED_HASH_HEX_DIGITS;
  let prefix = '';
  for (const piece of encoded) {
    if (prefix.length + piece.length > budget) break;
    prefix += piece;
  }
  const hash = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, SHORTENED_HASH_HEX_DIGITS);
  return `${prefix}${SHORTENED_MARKER}${hash}`;
}

/** What a key segment made by `encodeKeySegment` says about the value it came from. */
export type DecodedKeySegment =
  | { readonly shortened: false; readonly value: string }
  | {
      readonly shortened: true;
      /** The value starts with this. */
      readonly prefix: string;
      /** SHA-256 of the value (UTF-8), hex, starts with this. */
      readonly sha256Prefix: string;
    };

/** Inverse of `encodeKeySegment`: the value, or for a shortened one its prefix and hash. */
export function decodeKeySegment(segment: string): DecodedKeySegment {
  const shortened = SHORTENED.exec(segment);
  if (shortened) return { shortened: true, prefix: decodeURIComponent(shortened[1] ?? ''), sha256Prefix: shortened[2] ?? '' };
  return { shortened: false, value: decodeURIComponent(segment) };
}

/** True when `segment` is what `encodeKeySegment(value)` renders: how to find the key of a known value. */
export function keySegmentMatches(segment: string, value: string): boolean {
  try {
    return encodeKeySegment(value) === segment;
  } catch {
    return false;
  }
}
