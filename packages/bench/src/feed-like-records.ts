// Records shaped like app.bsky.feed.getAuthorFeed items, about 1 KB of NDJSON each, made on demand so a
// partition of any size costs no memory up front. Deterministic, with varied text and random tokens so
// gzip ratios are realistic rather than flattering.

const WORDS = (
  'the a of to and in is it you that he was for on are with as his they be at one have this from or had by ' +
  'word but what some we can out other were all there when up use your how said an each she which do their time ' +
  'protocol federation relay feed post reply repost label moderation handle server network data stream sync'
).split(' ');
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Distinct records cycled through: 5,000 x ~1 KB is far beyond gzip's 32 KB window, so no free wins. */
const POOL_SIZE = 5_000;

export interface FeedLikeRecord {
  readonly post: {
    readonly uri: string;
    readonly cid: string;
    readonly author: { readonly did: string; readonly handle: string; readonly displayName: string; readonly avatar: string };
    readonly record: { readonly $type: string; readonly text: string; readonly createdAt: string; readonly langs: readonly string[]; readonly embed?: unknown };
    readonly replyCount: number;
    readonly repostCount: number;
    readonly likeCount: number;
    readonly indexedAt: string;
  };
}

/** mulberry32: small, fast, good enough for synthetic text. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poolRecord(author: string, n: number): FeedLikeRecord {
  const random = prng(1_000_003 + n);
  const token = (length: number) => Array.from({ length }, () => BASE32[Math.floor(random() * 32)]).join('');
  const words = (count: number) => Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const at = new Date(Date.UTC(2024, 0, 1) + n * 61_000).toISOString();
  const embed = random() < 0.5 ? { $type: 'app.bsky.embed.external', external: { uri: `https://news${Math.floor(random() * 40)}.example/${token(10)}`, title: words(8), description: words(20) } } : undefined;
  return {
    post: {
      uri: `at://did:plc:${author}/app.bsky.feed.post/${token(13)}`,
      cid: `bafyrei${token(52)}`,
      author: { did: `did:plc:${author}`, handle: `${author}.test`, displayName: `Author ${author}`, avatar: `https://cdn.example/avatar/${token(52)}@jpeg` },
      record: { $type: 'app.bsky.feed.post', text: words(40 + Math.floor(random() * 40)).slice(0, 300), createdAt: at, langs: ['en'], ...(embed ? { embed } : {}) },
      replyCount: Math.floor(random() * 20),
      repostCount: Math.floor(random() * 50),
      likeCount: Math.floor(random() * 500),
      indexedAt: at,
    },
  };
}

/** Record `n` of an endless feed: a pool record with a unique URI. */
export function feedLikeRecords(author: string): (n: number) => FeedLikeRecord {
  const pool = Array.from({ length: POOL_SIZE }, (_, n) => poolRecord(author, n));
  return (n) => {
    const base = pool[n % POOL_SIZE] as FeedLikeRecord;
    return { post: { ...base.post, uri: `${base.post.uri}-${n}` } };
  };
}
