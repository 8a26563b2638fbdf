import { defineSource } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { checkSecretsNotLeaked, findSecret, KIT_SECRET } from './secret-checks.js';
import { toySink, toyStore } from './test-support/toy-sink.js';
import { toySource } from './test-support/toy-sources.js';

describe('secret check', () => {
  it('finds the secret raw, URL-encoded, base64 and in part', () => {
    expect(findSecret(`x ${KIT_SECRET} y`)).toMatch(/^the secret at/);
    expect(findSecret(`token=${encodeURIComponent(KIT_SECRET)}`)).toMatch(/^the URL-encoded secret at/);
    expect(findSecret(Buffer.from(KIT_SECRET).toString('base64'))).toMatch(/^the base64 secret at/);
    expect(findSecret('KITs3cr3t-***')).toMatch(/^part of the secret at/);
    expect(findSecret('nothing here ***')).toBeUndefined();
  });

  it('passes a source whose failing run never shows the secret', async () => {
    await checkSecretsNotLeaked('source', toySource('none')({ count: 5, token: KIT_SECRET }), ['a', 'bad']);
  });

  it('breaks when a source puts the URL-encoded secret into an error (which the core cannot redact)', async () => {
    await expect(checkSecretsNotLeaked('source', toySource('leaks-secret')({ count: 5, token: KIT_SECRET }), ['bad']))
      .rejects.toThrow(/contract "secrets never leak" broken: event task-failed shows the URL-encoded secret at/);
  });

  it('breaks when a sink puts the base64 secret into its commit error', async () => {
    await expect(checkSecretsNotLeaked('sink', toySink('leaks-secret', toyStore())({ password: KIT_SECRET })))
      .rejects.toThrow(/contract "secrets never leak" broken: event task-failed shows the base64 secret/);
  });

  it('breaks when the option holding the secret is not marked secret', async () => {
    const unmarked = defineSource({
      name: 'toy.unmarked',
      options: { type: 'object', properties: { token: { type: 'string' } } } as const,
      create: () => ({ fetchPage: async () => ({ records: [] }) }),
    });
    await expect(checkSecretsNotLeaked('source', unmarked({ token: KIT_SECRET }))).rejects.toThrow('contract "secrets never leak" broken: the option holding the secret is not marked `secret: true`');
  });
});
