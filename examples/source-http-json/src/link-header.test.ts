import { describe, expect, it } from 'vitest';
import { nextLink } from './link-header.js';

describe('nextLink (RFC 8288)', () => {
  it('finds rel="next" among several links and resolves it against the request URL', () => {
    expect(nextLink('<https://x.test/a?page=1>; rel="prev", </items?page=3>; rel="next"', 'https://api.test/items?page=2')).toBe('https://api.test/items?page=3');
  });
  it('accepts unquoted and multi-valued rel, other params, and any case', () => {
    expect(nextLink('<p2>; title="a, b"; REL=next', 'https://api.test/v/p1')).toBe('https://api.test/v/p2');
    expect(nextLink('<https://api.test/n>; rel="last next"', 'https://api.test/')).toBe('https://api.test/n');
  });
  it('gives undefined without a next link', () => {
    expect(nextLink(null, 'https://api.test/')).toBeUndefined();
    expect(nextLink('<https://api.test/p>; rel="prev"', 'https://api.test/')).toBeUndefined();
    expect(nextLink('<https://api.test/p>; rel="nextish"', 'https://api.test/')).toBeUndefined();
  });
});
