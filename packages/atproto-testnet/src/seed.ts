import type { TestNetwork } from '@atproto/dev-env';
import { RepoWriter } from './repo-writer.js';
import type { CreatedRecord, RecordWrite, SeededAccount } from './repo-writer.js';

export type { CreatedRecord, SeededAccount } from './repo-writer.js';

/** The seeded accounts with content, by role. Their getAuthorFeed has exactly 0, 1, 100, 101 and 250 items. */
export const ACTOR_KEYS = ['empty', 'one', 'hundred', 'hundredOne', 'big'] as const;
export type ActorKey = (typeof ACTOR_KEYS)[number];

export const COLLECTIONS = {
  profile: 'app.bsky.actor.profile',
  post: 'app.bsky.feed.post',
  repost: 'app.bsky.feed.repost',
  follow: 'app.bsky.graph.follow',
  list: 'app.bsky.graph.list',
  listitem: 'app.bsky.graph.listitem',
  starterpack: 'app.bsky.graph.starterpack',
} as const;

/** What one FeedViewPost of getAuthorFeed (filter posts_with_replies, no pins) must be. */
export interface ExpectedFeedItem {
  /** `post.uri`: the actor's own post or reply, or the reposted post (another actor's). */
  readonly uri: string;
  readonly cid: string;
  readonly kind: 'post' | 'reply' | 'repost';
  /** For a reply: the parent post's URI (`reply.parent.uri`). */
  readonly parentUri?: string | undefined;
  /** For a repost: the repost record (`reason.uri` on AppViews that send it) - `reason` is a #reasonRepost by the actor. */
  readonly repostUri?: string | undefined;
}

export interface SeededActor extends SeededAccount {
  readonly key: ActorKey;
  /** getAuthorFeed, newest first: exactly these items, in this order. */
  readonly feed: readonly ExpectedFeedItem[];
  /** DIDs of the accounts that follow this actor (getFollowers), in no particular order. */
  readonly followers: readonly string[];
  /** DIDs this actor follows (getFollows), in no particular order. */
  readonly follows: readonly string[];
  /** Every record in the actor's repo by collection NSID, in creation order (listRecords returns newest first). */
  readonly records: Readonly<Record<string, readonly CreatedRecord[]>>;
}

export interface ReferenceData {
  readonly appviewUrl: string;
  readonly pdsUrl: string;
  readonly plcUrl: string;
  readonly actors: Readonly<Record<ActorKey, SeededActor>>;
  /** Accounts with no content that fill follower lists and list memberships past one page. */
  readonly crowd: readonly SeededAccount[];
  /** A curate list by `big` (app.bsky.graph.list + listitems). */
  readonly list: { readonly uri: string; readonly owner: string; readonly memberDids: readonly string[] };
  /** A starter pack by `hundred` (app.bsky.graph.starterpack) pointing at its own reference list. */
  readonly starterPack: {
    readonly uri: string;
    readonly owner: string;
    readonly listUri: string;
    readonly memberDids: readonly string[];
  };
  /** Every DID with a repo here: the five actors and the crowd. */
  readonly allDids: readonly string[];
}

export interface SeedOptions {
  /** Accounts in the crowd; the default (100) takes every follower/follow/list-member count past one page of 100. */
  readonly crowd?: number | undefined;
}

const CROWD = 100;
/** The password of the five actors' accounts (e.g. to log in with com.atproto.server.createSession). */
export const REFERENCE_PASSWORD = 'reference-password';

/**
 * Seeds a known dataset through the PDS and waits until the AppView has indexed it.
 *
 * | key (handle)                | getAuthorFeed items                                      | followers                  | follows                        |
 * |-----------------------------|----------------------------------------------------------|----------------------------|--------------------------------|
 * | empty (quiet.test)          | 0                                                        | 0                          | 3 (big, hundred, one)          |
 * | one (one.test)              | 1 post                                                   | 1 (empty)                  | 1 (big)                        |
 * | hundred (hundred.test)      | 100 = 90 posts + 10 replies to one's post                | 100 (97 crowd + empty, hundredOne, big) | 1 (big)           |
 * | hundredOne (hundred-one.test) | 101 = 96 posts + 5 replies to hundred's posts          | 1 (big)                    | 2 (big, hundred)               |
 * | big (big.test)              | 250 = 220 posts + 15 replies + 15 reposts of others' posts | 104 (100 crowd + the 4 others) | 101 (99 crowd + hundred, hundredOne) |
 *
 * (`empty` is a reserved handle on the PDS, hence quiet.test.) Plus: a curate list by big with 101 members
 * (100 crowd + one) and a starter pack by hundred whose reference list has 10 members (big, one, hundredOne,
 * empty, 6 crowd). With a `crowd` other than 100 the follower and member counts change accordingly.
 *
 * Every record gets an explicit `createdAt`, one second apart in creation order and in the past, so the
 * AppView sorts the feed by it (its sortAt is min(createdAt, indexedAt)) and the expected order follows from
 * what was written, not from what the AppView answers. Records go in through applyWrites (up to 200 per
 * commit), so seeding takes seconds, most of them creating the crowd's accounts.
 */
export async function seedReferenceData(network: TestNetwork, options: SeedOptions = {}): Promise<ReferenceData> {
  const crowdSize = options.crowd ?? CROWD;
  const writer = new RepoWriter(network.pds.url);
  const clock = new Clock(Date.now() - 3 * 24 * 3600_000);

  const handles: Record<ActorKey, string> = {
    empty: 'quiet.test', // 'empty' is a reserved handle
    one: 'one.test',
    hundred: 'hundred.test',
    hundredOne: 'hundred-one.test',
    big: 'big.test',
  };
  // Crowd accounts get no password: hashing one (scrypt) is half the cost of creating an account.
  const createAccount = (handle: string, password?: string): Promise<SeededAccount> => writer.createAccount(handle, password);
  const core = {} as Record<ActorKey, SeededAccount>;
  for (const key of ACTOR_KEYS) core[key] = await createAccount(handles[key], REFERENCE_PASSWORD);
  const crowd = await mapLimit(
    Array.from({ length: crowdSize }, (_, i) => `crowd-${String(i).padStart(3, '0')}.test`),
    4,
    (handle) => createAccount(handle),
  );

  const records = new Map<string, Record<string, CreatedRecord[]>>();
  const feeds = new Map<string, ExpectedFeedItem[]>(); // oldest first while building
  const followers = new Map<string, string[]>();
  const follows = new Map<string, string[]>();
  for (const account of [...Object.values(core), ...crowd]) {
    records.set(account.did, {});
    feeds.set(account.did, []);
    followers.set(account.did, []);
    follows.set(account.did, []);
  }

  /** Writes records into one repo in order (applyWrites, up to 200 per commit) and records what was created. */
  const write = async (did: string, values: readonly RecordWrite[]) => {
    const created = await writer.write(did, values);
    const byCollection = records.get(did)!;
    values.forEach((v, i) => (byCollection[v.collection] ??= []).push(created[i]!));
    return created;
  };

  // Profiles (not for `empty`: an account with an empty repo is a case of its own).
  for (const key of ['one', 'hundred', 'hundredOne', 'big'] as const) {
    await write(core[key].did, [{ collection: COLLECTIONS.profile, rkey: 'self', value: { displayName: `Reference ${key}`, description: `Seeded ${key} account` } }]);
  }

  // Feed content. A plan is a list of items per actor in creation (= createdAt) order.
  type Planned =
    | { kind: 'post'; text: string }
    | { kind: 'reply'; text: string; parent: CreatedRecord; root: CreatedRecord }
    | { kind: 'repost'; subject: CreatedRecord };
  const writeFeed = async (actor: ActorKey, plan: readonly Planned[]) => {
    const did = core[actor].did;
    const values = plan.map((item) => {
      const createdAt = clock.next();
      switch (item.kind) {
        case 'post':
          return { collection: COLLECTIONS.post, value: { text: item.text, createdAt } };
        case 'reply':
          return {
            collection: COLLECTIONS.post,
            value: {
              text: item.text,
              reply: { root: { uri: item.root.uri, cid: item.root.cid }, parent: { uri: item.parent.uri, cid: item.parent.cid } },
              createdAt,
            },
          };
        case 'repost':
          return { collection: COLLECTIONS.repost, value: { subject: { uri: item.subject.uri, cid: item.subject.cid }, createdAt } };
      }
    });
    const created = await write(did, values);
    const feed = feeds.get(did)!;
    plan.forEach((item, i) => {
      const record = created[i]!;
      if (item.kind === 'repost') feed.push({ uri: item.subject.uri, cid: item.subject.cid, kind: 'repost', repostUri: record.uri });
      else if (item.kind === 'reply') feed.push({ uri: record.uri, cid: record.cid, kind: 'reply', parentUri: item.parent.uri });
      else feed.push({ uri: record.uri, cid: record.cid, kind: 'post' });
    });
    return created;
  };
  const postsOf = (actor: ActorKey) => (records.get(core[actor].did)![COLLECTIONS.post] ?? []).filter((r) => r.value['reply'] === undefined);

  // one: a single post.
  await writeFeed('one', [{ kind: 'post', text: 'the only post of one.test' }]);
  const onePost = postsOf('one')[0]!;

  // hundred: 90 posts and 10 replies to one's post, a reply after every 9 posts.
  await writeFeed('hundred', Array.from({ length: 100 }, (_, i): Planned =>
    i % 10 === 9 ? { kind: 'reply', text: `hundred reply ${i}`, parent: onePost, root: onePost } : { kind: 'post', text: `hundred post ${i}` },
  ));
  const hundredPosts = postsOf('hundred');

  // hundredOne: 96 posts and 5 replies to hundred's posts.
  await writeFeed('hundredOne', Array.from({ length: 101 }, (_, i): Planned =>
    i % 20 === 10
      ? { kind: 'reply', text: `hundred-one reply ${i}`, parent: hundredPosts[i - 10]!, root: hundredPosts[i - 10]! }
      : { kind: 'post', text: `hundred-one post ${i}` },
  ));
  const hundredOnePosts = postsOf('hundredOne');

  // big: 220 posts, 15 replies and 15 reposts spread over every page.
  const repostSubjects = [onePost, ...hundredPosts.slice(0, 7), ...hundredOnePosts.slice(0, 7)];
  const replyParents = [...hundredPosts.slice(20, 28), ...hundredOnePosts.slice(20, 27)];
  let nextRepost = 0;
  let nextReply = 0;
  await writeFeed('big', Array.from({ length: 250 }, (_, i): Planned => {
    if (i % 16 === 7 && nextRepost < repostSubjects.length) return { kind: 'repost', subject: repostSubjects[nextRepost++]! };
    if (i % 16 === 15 && nextReply < replyParents.length) {
      const parent = replyParents[nextReply++]!;
      return { kind: 'reply', text: `big reply ${i}`, parent, root: parent };
    }
    return { kind: 'post', text: `big post ${i}` };
  }));
  if (nextRepost !== 15 || nextReply !== 15) throw new Error(`seed plan error: ${nextRepost} reposts, ${nextReply} replies`);

  // Follows.
  const follow = async (from: SeededAccount, to: readonly SeededAccount[]) => {
    await write(from.did, to.map((target) => ({ collection: COLLECTIONS.follow, value: { subject: target.did, createdAt: clock.next() } })));
    for (const target of to) {
      follows.get(from.did)!.push(target.did);
      followers.get(target.did)!.push(from.did);
    }
  };
  const { empty, one, hundred, hundredOne, big } = core;
  await follow(empty, [big, hundred, one]);
  await follow(one, [big]);
  await follow(hundred, [big]);
  await follow(hundredOne, [big, hundred]);
  await follow(big, [...crowd.slice(0, 99), hundred, hundredOne]);
  // Crowd accounts follow big; all but three follow hundred too (so that hundred has exactly 100 followers).
  await mapLimit(crowd.map((account, i) => ({ account, i })), 4, ({ account, i }) =>
    follow(account, i < crowd.length - 3 ? [big, hundred] : [big]),
  );

  // A curate list by big: 100 crowd + one.
  const listMembers = [...crowd, one];
  const [list] = await write(big.did, [{
    collection: COLLECTIONS.list,
    value: { name: 'Reference crowd', purpose: 'app.bsky.graph.defs#curatelist', description: 'Seeded list', createdAt: clock.next() },
  }]);
  await write(big.did, listMembers.map((member) => ({
    collection: COLLECTIONS.listitem,
    value: { subject: member.did, list: list!.uri, createdAt: clock.next() },
  })));

  // A starter pack by hundred, pointing at its own reference list (as the Bluesky app makes them).
  const packMembers = [big, one, hundredOne, empty, ...crowd.slice(0, 6)];
  const [packList] = await write(hundred.did, [{
    collection: COLLECTIONS.list,
    value: { name: 'Reference starter pack', purpose: 'app.bsky.graph.defs#referencelist', createdAt: clock.next() },
  }]);
  await write(hundred.did, packMembers.map((member) => ({
    collection: COLLECTIONS.listitem,
    value: { subject: member.did, list: packList!.uri, createdAt: clock.next() },
  })));
  const [pack] = await write(hundred.did, [{
    collection: COLLECTIONS.starterpack,
    value: { name: 'Reference starter pack', description: 'Seeded starter pack', list: packList!.uri, createdAt: clock.next() },
  }]);

  await network.processAll(120_000);

  const actors = {} as Record<ActorKey, SeededActor>;
  for (const key of ACTOR_KEYS) {
    const { did, handle } = core[key];
    actors[key] = {
      key,
      did,
      handle,
      feed: [...feeds.get(did)!].reverse(),
      followers: followers.get(did)!,
      follows: follows.get(did)!,
      records: records.get(did)!,
    };
  }
  return {
    appviewUrl: network.bsky.url,
    pdsUrl: network.pds.url,
    plcUrl: network.plc.url,
    actors,
    crowd,
    list: { uri: list!.uri, owner: big.did, memberDids: listMembers.map((m) => m.did) },
    starterPack: { uri: pack!.uri, owner: hundred.did, listUri: packList!.uri, memberDids: packMembers.map((m) => m.did) },
    allDids: [...Object.values(core), ...crowd].map((a) => a.did),
  };
}

/** Distinct, increasing ISO timestamps one second apart. */
class Clock {
  constructor(private ms: number) {}
  next(): string {
    this.ms += 1000;
    return new Date(this.ms).toISOString();
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
