import { describe, expect, it } from 'vitest';
import { resolvePointer } from './json-pointer.js';

describe('resolvePointer (RFC 6901)', () => {
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 8, nested: { list: [{ x: 1 }] } };
  it('resolves the RFC examples', () => {
    expect(resolvePointer(doc, '')).toBe(doc);
    expect(resolvePointer(doc, '/foo')).toEqual(['bar', 'baz']);
    expect(resolvePointer(doc, '/foo/0')).toBe('bar');
    expect(resolvePointer(doc, '/')).toBe(0);
    expect(resolvePointer(doc, '/a~1b')).toBe(1);
    expect(resolvePointer(doc, '/m~0n')).toBe(8);
    expect(resolvePointer(doc, '/nested/list/0/x')).toBe(1);
  });
  it('gives undefined for missing paths and non-index array tokens, and refuses a pointer without "/"', () => {
    expect(resolvePointer(doc, '/nope/x')).toBeUndefined();
    expect(resolvePointer(doc, '/foo/01')).toBeUndefined();
    expect(resolvePointer(doc, '/foo/-')).toBeUndefined();
    expect(resolvePointer(doc, '/foo/length')).toBeUndefined();
    expect(() => resolvePointer(doc, 'foo')).toThrow('must be empty or start with "/"');
  });
});
