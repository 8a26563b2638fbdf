import { describe, expect, it } from 'vitest';
import { LIST, parseRecordPartition, recordUri, STARTER_PACK } from './record-partition.js';

const did = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';

describe('parseRecordPartition', () => {
  it('reads AT-URIs with a DID or a handle', () => {
    expect(parseRecordPartition(`at://${did}/app.bsky.graph.list/3kabcdefg2222`, LIST)).toEqual({ authority: did, collection: 'app.bsky.graph.list', rkey: '3kabcdefg2222' });
    expect(parseRecordPartition('at://alice.test/app.bsky.graph.starterpack/3kxyz', STARTER_PACK)).toMatchObject({ authority: 'alice.test' });
  });

  it('converts bsky.app URLs', () => {
    expect(parseRecordPartition('https://bsky.app/starter-pack/alice.bsky.social/3lbx5rrbbwk2b', STARTER_PACK)).toEqual({
      authority: 'alice.bsky.social',
      collection: 'app.bsky.graph.starterpack',
      rkey: '3lbx5rrbbwk2b',
    });
    expect(parseRecordPartition(`https://bsky.app/starter-pack/${did}/3lbx5rrbbwk2b/`, STARTER_PACK)).toMatchObject({ authority: did });
    expect(parseRecordPartition('https://www.bsky.app/profile/alice.test/lists/3kabc', LIST)).toMatchObject({ authority: 'alice.test', rkey: '3kabc' });
  });

  it.each([
    ['at://alice.test/app.bsky.graph.list', STARTER_PACK, /does not name a starter pack/],
    ['at://alice.test/app.bsky.graph.list/3kabc', STARTER_PACK, /names a app.bsky.graph.list record, not a starter pack/],
    ['at://not_a_handle/app.bsky.graph.list/3kabc', LIST, /neither a DID nor a handle/],
    ['at://alice.test/app.bsky.graph.list/bad key!', LIST, /does not name a list|not a valid record key/],
    ['http://bsky.app/profile/alice.test/lists/3kabc', LIST, /does not name a list/],
    ['https://bsky.app/profile/alice.test/post/3kabc', LIST, /does not name a list/],
    ['alice.test', LIST, /expected at:\/\/<did-or-handle>\/app.bsky.graph.list\/<rkey> or https:\/\/bsky.app\/profile\/<actor>\/lists\/<rkey>/],
  ])('refuses %s', (partition, kind, problem) => {
    const parsed = parseRecordPartition(partition, kind);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it('builds the canonical URI', () => {
    expect(recordUri(did, { authority: 'alice.test', collection: 'app.bsky.graph.list', rkey: '3kabc' })).toBe(`at://${did}/app.bsky.graph.list/3kabc`);
  });
});
