/**
 * Feed-like records (the shape of app.bsky.feed.getAuthorFeed items) of about 1 KB each, deterministic
 * for a seed, with varied text so that gzip ratios are realistic rather than flattering.
 */
const WORDS = (
  'the a of to and in is it you that he was for on are with as his they be at one have this from or had by ' +
  'word but what some we can out other were all there when up use your how said an each she which do their time ' +
  'if will way about many then them write would like so these her long make thing see him two has look more day ' +
  'could go come did number sound no most people my over know water than call first who may down side been now find ' +
  'protocol federation relay feed post reply repost label moderation handle server network data stream sync'
).split(' ');

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

export interface FeedRecord {
  readonly post: {
    readonly uri: string;
    readonly cid: string;
    readonly author: { readonly did: string; readonly handle: string; readonly displayName: string; readonly avatar: string; readonly labels: readonly unknown[] };
    readonly record: {
      readonly $type: string;
      readonly text: string;
      readonly createdAt: string;
      readonly langs: readonly string[];
      readonly embed?: { readonly $type: string; readonly external: { readonly uri: string; readonly title: string; readonly description: string } };
    };
    readonly replyCount: number;
    readonly repostCount: number;
    readonly likeCount: number;
    readonly quoteCount: number;
    readonly indexedAt: string;
    readonly labels: readonly unknown[];
  };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Records `from` .. `from + count - 1` of the author's feed. */
export function feedRecords(author: string, from: number, count: number, seed = 1): FeedRecord[] {
  const records: FeedRecord[] = [];
  for (let n = from; n < from + count; n += 1) {
    const random = prng(seed * 1_000_003 + n);
    const token = (length: number) => Array.from({ length }, () => BASE32[Math.floor(random() * 32)]).join('');
    const words = (count: number) => Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
    const at = new Date(Date.UTC(2024, 0, 1) + n * 61_000).toISOString();
    // Half the posts link out, as feeds full of news and blogs do.
    const embed =
      random() < 0.5
        ? { $type: 'app.bsky.embed.external', external: { uri: `https://news${Math.floor(random() * 40)}.example/${token(10)}`, title: words(8), description: words(20) } }
        : undefined;
    records.push({
      post: {
        uri: `at://did:plc:${author}/app.bsky.feed.post/${token(13)}`,
        cid: `bafyrei${token(52)}`,
        author: {
          did: `did:plc:${author}`,
          handle: `${author}.test`,
          displayName: `Author ${author}`,
          avatar: `https://cdn.bsky.app/img/avatar/plain/did:plc:${author}/bafkrei${token(52)}@jpeg`,
          labels: [],
        },
        record: { $type: 'app.bsky.feed.post', text: words(30 + Math.floor(random() * 40)).slice(0, 300), createdAt: at, langs: ['en'], ...(embed ? { embed } : {}) },
        replyCount: Math.floor(random() * 20),
        repostCount: Math.floor(random() * 50),
        likeCount: Math.floor(random() * 500),
        quoteCount: Math.floor(random() * 5),
        indexedAt: at,
        labels: [],
      },
    });
  }
  return records;
}
