import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeKeySegment,
  encodeKeySegment,
  keySegmentMatches,
  KeyValueError,
  MAX_ENCODED_VALUE_BYTES,
  SHORTENED_HASH_HEX_DIGITS,
} from './key-encoding.js';
import { MAX_KEY_BYTES, parseKeyTemplate, renderKey } from './key-template.js';
import { renderPartKeys, splitPartKeyTemplate } from './part-keys.js';

const RUN_STARTED_AT = new Date('2024-03-09T07:45:00.000Z');
const TEMPLATE = 'exports/dt={date}/{pipeline}/{partition}.jsonl.gz';
const parsed = parseKeyTemplate(TEMPLATE);
if (!parsed.ok) throw new Error(parsed.message);
const { parts } = parsed;

function keyOf(partition: string, pipeline = 'feeds'): string {
  return renderKey(parts, { pipeline, partition, runId: 'run-1', runStartedAt: RUN_STARTED_AT });
}

/** The partition's segment of a key rendered from TEMPLATE (exports/dt=.../feeds/<segment>.jsonl.gz). */
function segmentOf(key: string): string {
  const prefix = 'exports/dt=2024-03-09/feeds/';
  expect(key.startsWith(prefix)).toBe(true);
  expect(key.endsWith('.jsonl.gz')).toBe(true);
  return key.slice(prefix.length, -'.jsonl.gz'.length);
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Hostile partition values: any code points, path tricks, control characters, and very long values. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary', minLength: 150, maxLength: 2000 }),
  fc.string({ unit: fc.constantFrom('.', '/', '..', '\\', '%', '!', '\u0000', '\n', '\u007f', '~', ' ', 'a', '%2F', 'é', '😀') }),
  fc.constantFrom('.', '..', '../..', '/', '//', '../../etc/passwd', '%2e%2e', 'a'.repeat(5000), '😀'.repeat(300), 'x!0123456789abcdef0123456789abcdef'),
);

describe('encodeKeySegment (properties)', () => {
  it('keeps every value inside its one segment, under the prefix, within the limits', () => {
    fc.assert(
      fc.property(hostile, (partition) => {
        const key = keyOf(partition);
        const segment = segmentOf(key);
        expect(segment).not.toContain('/');
        expect(segment).not.toMatch(/^\.{1,2}$/);
        expect(segment).toMatch(/^[A-Za-z0-9._%!-]*$/);
        expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(MAX_ENCODED_VALUE_BYTES);
        expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
        // Path resolution as a filesystem-backed store or `aws s3 sync` does it stays under the prefix.
        expect(new URL(key, 'file:///bucket/').pathname.startsWith('/bucket/exports/dt=2024-03-09/feeds/')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives distinct values distinct keys', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        fc.pre(a !== b);
        expect(keyOf(a)).not.toBe(keyOf(b));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes back to the value, or for a shortened value to its prefix and hash', () => {
    fc.assert(
      fc.property(hostile, (partition) => {
        const segment = segmentOf(keyOf(partition));
        const decoded = decodeKeySegment(segment);
        if (decoded.shortened) {
          expect(partition.startsWith(decoded.prefix)).toBe(true);
          expect(sha256(partition).startsWith(decoded.sha256Prefix)).toBe(true);
          expect(decoded.sha256Prefix).toHaveLength(SHORTENED_HASH_HEX_DIGITS);
        } else {
          expect(decoded.value).toBe(partition);
          expect(decodeURIComponent(segment)).toBe(partition);
        }
        expect(keySegmentMatches(segment, partition)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps part keys of rollover under the prefix and within 1024 bytes too', () => {
    const partTemplate = splitPartKeyTemplate(parts);
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 9_999_999 }), (partition, part) => {
        const keys = renderPartKeys(partTemplate, { pipeline: 'feeds', partition, runId: 'r', runStartedAt: RUN_STARTED_AT });
        const key = keys.key(part);
        expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
        expect(key.startsWith('exports/dt=2024-03-09/feeds/')).toBe(true);
        expect(key.slice('exports/dt=2024-03-09/feeds/'.length)).not.toContain('/');
        expect(keys.partOf(key)).toBe(part);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeKeySegment (examples)', () => {
  it('keeps letters, digits, "-", "." and "_"; encodes everything else as uppercase %XX of UTF-8', () => {
    expect(encodeKeySegment('alice.bsky.social')).toBe('alice.bsky.social');
    expect(encodeKeySegment('did:plc:abc_12-3')).toBe('did%3Aplc%3Aabc_12-3');
    expect(encodeKeySegment('a/b')).toBe('a%2Fb');
    expect(encodeKeySegment("it's (fine)*!~")).toBe('it%27s%20%28fine%29%2A%21%7E');
    expect(encodeKeySegment('é😀')).toBe('%C3%A9%F0%9F%98%80');
    expect(encodeKeySegment('\u0000\n')).toBe('%00%0A');
  });

  it('encodes whole-dot values but leaves dots inside names alone', () => {
    expect(encodeKeySegment('..')).toBe('%2E%2E');
    expect(encodeKeySegment('.')).toBe('%2E');
    expect(encodeKeySegment('a..b')).toBe('a..b');
  });

  it('shortens a value whose encoding exceeds the limit to a decodable prefix, "!" and 32 hex of SHA-256', () => {
    const long = `xxxxx${'é'.repeat(40)}${'x'.repeat(500)}`;
    const segment = encodeKeySegment(long);
    expect(segment.length).toBeLessThanOrEqual(MAX_ENCODED_VALUE_BYTES);
    const [prefix, hash] = segment.split('!');
    // 167 bytes of room: 5 "x" and 27 whole "é" (6 bytes encoded each); never half an escape.
    expect(prefix).toBe(`xxxxx${'%C3%A9'.repeat(27)}`);
    expect(hash).toBe(sha256(long).slice(0, 32));
    expect(decodeKeySegment(segment)).toEqual({ shortened: true, prefix: `xxxxx${'é'.repeat(27)}`, sha256Prefix: hash });
    // Exactly at the limit a value is kept whole.
    expect(encodeKeySegment('y'.repeat(MAX_ENCODED_VALUE_BYTES))).toBe('y'.repeat(MAX_ENCODED_VALUE_BYTES));
    expect(encodeKeySegment('y'.repeat(MAX_ENCODED_VALUE_BYTES + 1))).toContain('!');
  });

  it('tells values apart that share the kept prefix', () => {
    const a = `${'p'.repeat(300)}a`;
    const b = `${'p'.repeat(300)}b`;
    expect(encodeKeySegment(a)).not.toBe(encodeKeySegment(b));
    expect(keySegmentMatches(encodeKeySegment(a), b)).toBe(false);
  });

  it('refuses lone surrogates instead of mapping distinct values to one key', () => {
    expect(() => encodeKeySegment('a\ud800')).toThrow(KeyValueError);
    expect(() => encodeKeySegment('\udc00')).toThrow(/lone surrogate/);
  });
});
