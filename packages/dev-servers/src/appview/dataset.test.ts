import { AppBskyFeedPost } from '@atproto/api';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { generateDataset } from './dataset.js';
import { sampleDataset } from './sample.js';

describe('generateDataset', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateDataset({ seed: 7, actors: 3, postsPerActor: 20 });
    const b = generateDataset({ seed: 7, actors: 3, postsPerActor: 20 });
    const c = generateDataset({ seed: 8, actors: 3, postsPerActor: 20 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(c.actors.map((actor) => actor.did)).not.toEqual(a.actors.map((actor) => actor.did));
    expect(c.actors[0]?.posts[0]?.record.text).not.toBe(a.actors[0]?.posts[0]?.record.text);
  });

  it('takes one post count per actor', () => {
    const dataset = generateDataset({ seed: 1, postsPerActor: [0, 1, 100, 101, 250] });
    expect(dataset.actors.map((actor) => actor.posts.length)).toEqual([0, 1, 100, 101, 250]);
    expect(() => generateDataset({ seed: 1, actors: 2, postsPerActor: [1, 2, 3] })).toThrow(RangeError);
  });

  it('makes synthetic identities: .test handles, 24-char did:plc, unique', () => {
    const { actors } = generateDataset({ seed: 3, actors: 25, postsPerActor: 1 });
    for (const actor of actors) {
      expect(actor.handle).toMatch(/^[a-z0-9]+\.test$/);
      expect(actor.did).toMatch(/^did:plc:[a-z2-7]{24}$/);
      expect(actor.displayName.length).toBeGreaterThan(0);
    }
    expect(new Set(actors.map((actor) => actor.handle)).size).toBe(25);
    expect(new Set(actors.map((actor) => actor.did)).size).toBe(25);
  });

  it('makes posts newest first with real CIDs, TID rkeys, links and replies', () => {
    const posts = generateDataset({ seed: 11, actors: 4, postsPerActor: 60 }).actors.flatMap((actor) => {
      const times = actor.posts.map((post) => Date.parse(post.record.createdAt));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(new Set(times).size).toBe(times.length);
      for (const post of actor.posts) {
        expect(post.uri).toMatch(new RegExp(`^at://${actor.did}/app\\.bsky\\.feed\\.post/[2-7a-z]{13}$`));
        expect(post.authorDid).toBe(actor.did);
        expect(Date.parse(post.indexedAt)).toBeGreaterThan(Date.parse(post.record.createdAt));
      }
      return actor.posts;
    });
    for (const post of posts) {
      const cid = CID.parse(post.cid);
      expect(cid.version).toBe(1);
      expect(cid.multihash.code).toBe(0x12);
      expect(cid.toString()).toBe(post.cid);
    }
    for (const post of posts) expect(AppBskyFeedPost.validateRecord(post.record)).toMatchObject({ success: true });
    const linked = posts.filter((post) => post.record.facets !== undefined);
    expect(linked.length).toBeGreaterThan(0);
    for (const post of linked) {
      const facet = post.record.facets?.[0];
      const feature = facet?.features[0] as { uri?: string } | undefined;
      const bytes = Buffer.from(post.record.text, 'utf8');
      expect(bytes.subarray(facet?.index.byteStart, facet?.index.byteEnd).toString()).toBe(feature?.uri);
      expect(feature?.uri).toMatch(/^https:\/\/example\.(com|org|net)\//);
    }
    const byUri = new Map(posts.map((post) => [post.uri, post]));
    const replies = posts.filter((post) => post.record.reply !== undefined);
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) {
      const parent = byUri.get(reply.record.reply?.parent.uri ?? '');
      expect(parent?.cid).toBe(reply.record.reply?.parent.cid);
      expect(Date.parse(parent?.record.createdAt ?? '')).toBeLessThan(Date.parse(reply.record.createdAt));
    }
  });

  it('offers a sample dataset for the demo', () => {
    const dataset = sampleDataset();
    expect(dataset.seed).toBe(42);
    expect(dataset.actors).toHaveLength(8);
    const total = dataset.actors.reduce((sum, actor) => sum + actor.posts.length, 0);
    expect(total).toBeGreaterThan(200);
    expect(JSON.stringify(sampleDataset())).toBe(JSON.stringify(dataset));
  });
});
