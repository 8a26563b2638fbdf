import { describe, expect, it } from 'vitest';
import { checkActorIdentifier } from './actor-identifier.js';
import { atprotoAuthorFeed } from '../author-feed-source.js';

describe('checkActorIdentifier', () => {
  it.each(['alice.test', 'alice.bsky.social', 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', 'did:web:example.com'])('accepts %s', (value) => {
    expect(checkActorIdentifier(value)).toBeUndefined();
  });

  it.each(['not a handle', 'http://x', '', 'alice', 'did:plc:', '@alice.test'])('rejects %j', (value) => {
    expect(checkActorIdentifier(value)).toMatch(/not a valid/);
  });

  it('is the source definition partition check', () => {
    const check = atprotoAuthorFeed.definition.checkPartition;
    expect(check?.('alice.test', {})).toBeUndefined();
    expect(check?.('http://x', {})).toMatch(/not a valid/);
  });
});
