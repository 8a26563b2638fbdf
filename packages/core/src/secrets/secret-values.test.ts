import { describe, expect, it } from 'vitest';
import { collectSecretValues, isSecretPath, redactOptions } from './secret-values.js';

const schema = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    password: { type: 'string', secret: true },
    headers: { type: 'object', secret: true, additionalProperties: { type: 'string' } },
    nested: { type: 'object', properties: { token: { type: 'string', secret: true } } },
  },
} as const;
const options = { user: 'ann', password: 'p4ssw0rd', headers: { authorization: 'Bearer abc123', 'x-key': 'k-999' }, nested: { token: 'tok-42' } };

describe('secret option values', () => {
  it('collects every leaf under a secret field, including secret objects', () => {
    expect(collectSecretValues(schema, options).sort()).toEqual(['Bearer abc123', 'k-999', 'p4ssw0rd', 'tok-42']);
  });
  it('redacts them in a copy for plans and knows which paths are secret', () => {
    expect(redactOptions(schema, options)).toEqual({ user: 'ann', password: '***', headers: '***', nested: { token: '***' } });
    expect(isSecretPath(schema, ['headers', 'authorization'])).toBe(true);
    expect(isSecretPath(schema, ['nested', 'token'])).toBe(true);
    expect(isSecretPath(schema, ['user'])).toBe(false);
  });
});
