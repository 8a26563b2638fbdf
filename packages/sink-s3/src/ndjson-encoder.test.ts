import { describe, expect, it } from 'vitest';
import { encodeNdjsonLine } from './ndjson-encoder.js';

describe('encodeNdjsonLine', () => {
  it('writes one line per record, escaping newlines inside values', () => {
    const text = [{ a: 'x\ny' }, [1], 's', null].map(encodeNdjsonLine).join('');
    expect(text).toBe('{"a":"x\\ny"}\n[1]\n"s"\nnull\n');
    expect(text.split('\n')).toHaveLength(5);
  });

  it('refuses records without a JSON form instead of writing "undefined"', () => {
    expect(() => encodeNdjsonLine(undefined, 1)).toThrow(/record 1/);
    expect(() => encodeNdjsonLine(() => 1, 0)).toThrow(/function/);
  });
});
