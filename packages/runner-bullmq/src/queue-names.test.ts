import { describe, expect, it } from 'vitest';
import { jobIdOf, queueNameOf } from './queue-names.js';
import { redactedUrl, redisOptions } from './redis-connection.js';

describe('queue and job names', () => {
  it('make BullMQ-safe job ids from tasks whose partition is a DID, distinct per task and stable per run', () => {
    const id = jobIdOf('20261125T071500Z-3f2a9c', 'feeds/did:plc:abc');
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^\d+$/);
    expect(jobIdOf('20261125T071500Z-3f2a9c', 'feeds/did:plc:abc')).toBe(id);
    expect(jobIdOf('20261125T071500Z-3f2a9c', 'feeds/did:plc:abd')).not.toBe(id);
    expect(jobIdOf('other:run', 'feeds/did:plc:abc')).not.toContain(':');
  });

  it('name one queue per concurrency group, without `:` whatever the group is called', () => {
    expect(queueNameOf(undefined)).toBe('ungrouped');
    expect(queueNameOf('bsky')).toBe('group-bsky');
    expect(queueNameOf('a:b/c')).not.toContain(':');
    expect(queueNameOf('a:b')).not.toBe(queueNameOf('a_b'));
  });
});

describe('redis URLs', () => {
  it('read host, port, credentials and database; refuse what is not a redis URL', () => {
    expect(redisOptions('redis://user:p%40ss@cache.internal:6380/3')).toMatchObject({ host: 'cache.internal', port: 6380, username: 'user', password: 'p@ss', db: 3, maxRetriesPerRequest: null });
    expect(redisOptions('redis://127.0.0.1')).toMatchObject({ port: 6379, db: 0 });
    expect(redisOptions('rediss://h:1/0').tls).toEqual({});
    expect(() => redisOptions('http://h:1')).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => redisOptions('localhost:6379')).toThrow(/expected a redis/);
    expect(() => redisOptions('redis://h:1/x')).toThrow(/database number/);
    expect(redactedUrl('redis://u:secret@h:1/0')).toBe('redis://u:***@h:1/0');
  });
});
