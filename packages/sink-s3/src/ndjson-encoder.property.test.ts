import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNdjsonLine } from './ndjson-encoder.js';

// Property-based (issue 17): any JSON value is one NDJSON line that parses back to the value.

/** What a JSON round trip makes of a value (-0 becomes 0, and so on): what a reader of the line can get back. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const anyUnicode = fc.string({ unit: 'binary' });
/** Objects whose keys are any unicode (including newlines, quotes, `__proto__`-like names), nested. */
const unicodeKeyed = fc.dictionary(anyUnicode, fc.jsonValue(), { maxKeys: 8 });
const values = fc.oneof(
  fc.jsonValue(),
  fc.jsonValue({ depthSize: 'medium' }),
  unicodeKeyed,
  fc.array(unicodeKeyed, { maxLength: 4 }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\u2028', '\u2029', '"', '\\', 'a', '\u0000', '😀') }),
  fc.constantFrom(-0, 0, Number.MAX_VALUE, Number.MIN_VALUE, '', [], {}, [[[]]]),
);

function assertOneLine(value: unknown): void {
  const line = encodeNdjsonLine(value, 0);
  expect(line.endsWith('\n')).toBe(true);
  const body = line.slice(0, -1);
  // No other raw line break: readers split on \n (and some on \r).
  expect(body).not.toMatch(/[\n\r]/);
  expect(line.split('\n')).toHaveLength(2);
  expect(JSON.parse(body)).toEqual(viaJson(value));
}

describe('encodeNdjsonLine (properties)', () => {
  it('renders any JSON value as exactly one line ending in one \\n that parses back to the value', () => {
    fc.assert(fc.property(values, assertOneLine), { numRuns: 500 });
  });

  it('keeps a page of values as one line each, in order', () => {
    fc.assert(
      fc.property(fc.array(values, { maxLength: 10 }), (page) => {
        const text = page.map((record, index) => encodeNdjsonLine(record, index)).join('');
        const lines = text.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines.map((line) => JSON.parse(line))).toEqual(page.map(viaJson));
      }),
      { numRuns: 200 },
    );
  });
});
