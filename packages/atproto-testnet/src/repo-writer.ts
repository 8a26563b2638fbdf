import { AtpAgent } from '@atproto/api';
import type { ComAtprotoRepoApplyWrites } from '@atproto/api';

export interface SeededAccount {
  readonly did: string;
  readonly handle: string;
}

export interface CreatedRecord {
  readonly uri: string;
  readonly cid: string;
  readonly value: Record<string, unknown>;
}

/** One record to write: created (a new TID key unless `rkey`), or with `update` put over the record at `rkey`. */
export interface RecordWrite {
  readonly collection: string;
  readonly rkey?: string | undefined;
  readonly value: Record<string, unknown>;
  /** Default `create`. `update` replaces an existing record, e.g. the profile (`app.bsky.actor.profile`, `self`). */
  readonly action?: 'create' | 'update';
}

/** applyWrites accepts at most 200 writes per call. */
const MAX_WRITES = 200;

/**
 * Writes records into repos on a PDS the way the accounts' own apps do (com.atproto.repo.applyWrites with the
 * account's session, validated against the lexicons), up to 200 per commit. Call the network's
 * `processAll()` afterwards, before reading the AppView.
 */
export class RepoWriter {
  private readonly pds: AtpAgent;
  /** Access tokens by DID (from createAccount or login); they last longer than any test run. */
  private readonly sessions = new Map<string, string>();

  constructor(pdsUrl: string) {
    this.pds = new AtpAgent({ service: pdsUrl });
  }

  /** A new account (handle ending in `.test`). Without a password it cannot log in again, but is cheaper to create (no scrypt). */
  async createAccount(handle: string, password?: string): Promise<SeededAccount> {
    const { data } = await this.pds.com.atproto.server.createAccount({ handle, email: `${handle}@example.com`, ...(password === undefined ? {} : { password }) });
    this.sessions.set(data.did, data.accessJwt);
    return { did: data.did, handle: data.handle };
  }

  /** A session for an existing account (e.g. a seeded actor, with REFERENCE_PASSWORD). */
  async login(identifier: string, password: string): Promise<SeededAccount> {
    const { data } = await this.pds.com.atproto.server.createSession({ identifier, password });
    this.sessions.set(data.did, data.accessJwt);
    return { did: data.did, handle: data.handle };
  }

  /** Writes in order, into the repo of `did` (created or logged in through this writer); returns each record written. */
  async write(did: string, values: readonly RecordWrite[]): Promise<CreatedRecord[]> {
    const token = this.sessions.get(did);
    if (token === undefined) throw new Error(`RepoWriter: no session for ${did}; createAccount or login first`);
    const written: CreatedRecord[] = [];
    for (let start = 0; start < values.length; start += MAX_WRITES) {
      const chunk = values.slice(start, start + MAX_WRITES);
      const writes = chunk.map((v): ComAtprotoRepoApplyWrites.InputSchema['writes'][number] =>
        v.action === 'update'
          ? { $type: 'com.atproto.repo.applyWrites#update', collection: v.collection, rkey: v.rkey ?? 'self', value: v.value }
          : { $type: 'com.atproto.repo.applyWrites#create', collection: v.collection, ...(v.rkey === undefined ? {} : { rkey: v.rkey }), value: v.value },
      );
      const { data } = await this.pds.com.atproto.repo.applyWrites(
        { repo: did, writes, validate: true },
        { headers: { authorization: `Bearer ${token}` }, encoding: 'application/json' },
      );
      const results = data.results ?? [];
      if (results.length !== chunk.length) throw new Error(`applyWrites on ${did} returned ${results.length} results for ${chunk.length} writes`);
      chunk.forEach((v, i) => {
        const result = results[i] as { uri?: string; cid?: string };
        if (typeof result.uri !== 'string' || typeof result.cid !== 'string') throw new Error(`applyWrites on ${did}: no uri/cid for write ${i}`);
        written.push({ uri: result.uri, cid: result.cid, value: { $type: v.collection, ...v.value } });
      });
    }
    return written;
  }
}
