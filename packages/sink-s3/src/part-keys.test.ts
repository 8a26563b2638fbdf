import { describe, expect, it } from 'vitest';
import { parseKeyTemplate, type KeyValues } from './key-template.js';
import { partSuffix, renderPartKeys, splitPartKeyTemplate } from './part-keys.js';

const values: KeyValues = { pipeline: 'feeds', partition: 'alice.bsky.social', runId: 'r1', runStartedAt: new Date('2024-03-09T07:45:00Z') };

function keys(template: string) {
  const parsed = parseKeyTemplate(template);
  if (!parsed.ok) throw new Error(parsed.message);
  return renderPartKeys(splitPartKeyTemplate(parsed.parts), values);
}

describe('part keys', () => {
  it.each([
    ['feeds/dt={date}/{partition}.jsonl.gz', 'feeds/dt=2024-03-09/alice.bsky.social-00001.jsonl.gz'],
    ['feeds/{partition}/data.ndjson', 'feeds/alice.bsky.social/data-00001.ndjson'],
    ['feeds/{partition}/events', 'feeds/alice.bsky.social/events-00001'],
    ['feeds/{partition}', 'feeds/alice.bsky.social-00001'],
    ['{date}.v1.jsonl', '2024-03-09-00001.v1.jsonl'],
    ['a.b/{partition}_x', 'a.b/alice.bsky.social_x-00001'],
  ])('%s: the part number goes before the first "." after the last placeholder in the last segment', (template, first) => {
    expect(keys(template).key(1)).toBe(first);
  });

  it('zero-pads to five digits and keeps counting past them', () => {
    expect([1, 42, 99_999, 100_000].map(partSuffix)).toEqual(['-00001', '-00042', '-99999', '-100000']);
  });

  it('recognises exactly its own part keys', () => {
    const parts = keys('feeds/{partition}.jsonl');
    expect(parts.partOf('feeds/alice.bsky.social-00007.jsonl')).toBe(7);
    expect(parts.partOf('feeds/alice.bsky.social-100000.jsonl')).toBe(100_000);
    for (const other of [
      'feeds/alice.bsky.social.jsonl',
      'feeds/alice.bsky.social-0007.jsonl',
      'feeds/alice.bsky.social-000007.jsonl',
      'feeds/alice.bsky.social-00000.jsonl',
      'feeds/alice.bsky.social-00001-00002.jsonl',
      'feeds/alice.bsky.social-00001.jsonl.gz',
      'feeds/alice.bsky.social-x0001.jsonl',
    ]) {
      expect(parts.partOf(other)).toBeUndefined();
    }
  });
});
