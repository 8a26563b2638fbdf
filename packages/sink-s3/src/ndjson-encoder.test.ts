import { describe, expect, it } from 'vitest';
import { encodeNdjson } from './ndjson-encoder.js';

describe('encodeNdjson', () => {
  it('writes one line per record, escaping newlines inside values', () => {
    const text = encodeNdjson([{ a: 'x\ny' }, [1], 's', null]).toString('utf8');
    expect(text).toBe('{"a":"x\\ny"}\n[1]\n"s"\nnull\n');
    expect(text.split('\n')).toHaveLength(5);
  });

  it('refuses records without a JSON form instead of writing "undefined"', () => {
    expect(() => encodeNdjson([{ ok: 1 }, undefined])).toThrow(/record 1/);
  });
});
