import { readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { env } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import type { RunEvent } from '@etl/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { atprotoAuthorFeed } from '../author-feed-source.js';
import { atprotoFollowers } from '../follow-graph-sources.js';
import { actor, drive, errorOf, memorySinkInto, startGraphFixture, tempDirectory, VIEWER } from '../test-support/graph-fixture.js';
import { defaultSessionFile, sanitiseIdentifier } from './session-file.js';
import type { StoredSession } from './session-file.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
async function fixture(options: Parameters<typeof startGraphFixture>[0] = {}) {
  const server = await startGraphFixture(options);
  const dir = await tempDirectory();
  cleanups.push(() => server.close(), dir.remove);
  const sessionFile = join(dir.path, 'sessions', 'viewer.json');
  return { server, dir: dir.path, sessionFile, auth: { ...VIEWER, service: server.url, sessionFile } };
}
const readStored = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as StoredSession;
const subject = actor(9);

describe('app-password sessions', () => {
  it('persists the session (0600, no password) and reuses it in the next run: one createSession in all', async () => {
    const { server, sessionFile, auth } = await fixture();
    const first = await atprotoFollowers.definition.create({ auth, limit: 100 });
    expect((await drive(first, subject.handle)).records).toHaveLength(12);
    await first.close?.();
    const stored = await readStored(sessionFile);
    expect(stored).toMatchObject({ version: 1, identifier: VIEWER.identifier, service: server.url, session: { did: actor(13).did, handle: actor(13).handle } });
    expect(JSON.stringify(stored)).not.toContain(VIEWER.password);
    expect((await stat(sessionFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(sessionFile, '..'))).mode & 0o777).toBe(0o700);

    // The next run: a new source instance, the stored session resumed (one refreshSession), no login.
    const second = await atprotoFollowers.definition.create({ auth, limit: 100 });
    expect((await drive(second, subject.did)).records).toHaveLength(12);
    await second.close?.();
    expect(server.count('com.atproto.server.createSession')).toBe(1);
    expect(server.count('com.atproto.server.refreshSession')).toBe(1);
    // Rotated tokens were written back, atomically: no temp file left behind.
    expect((await readStored(sessionFile)).session.refreshJwt).not.toBe(stored.session.refreshJwt);
    expect(await readdir(join(sessionFile, '..'))).toEqual(['viewer.json']);
    // Every data call went to the PDS with the session.
    expect(server.requestLog.filter((r) => r.nsid === 'app.bsky.graph.getFollowers').every((r) => r.authenticated)).toBe(true);
  });

  it('refreshes an expired access token once and keeps going, without logging in again', async () => {
    const { server, sessionFile, auth } = await fixture();
    const source = await atprotoFollowers.definition.create({ auth, limit: 5 });
    const signal = new AbortController().signal;
    const report = () => undefined;
    const first = await source.fetchPage({ pipeline: 't', partition: subject.did, resolved: undefined, cursor: undefined, signal, report });
    const before = await readStored(sessionFile);
    server.expireAccessTokens();
    const second = await source.fetchPage({ pipeline: 't', partition: subject.did, resolved: undefined, cursor: first.cursor, signal, report });
    expect([...first.records, ...second.records]).toHaveLength(10);
    expect(server.count('com.atproto.server.refreshSession')).toBe(1);
    expect(server.count('com.atproto.server.createSession')).toBe(1);
    // The refused call was repeated once, with the new token.
    expect(server.count('app.bsky.graph.getFollowers')).toBe(3);
    await source.close?.();
    expect((await readStored(sessionFile)).session.accessJwt).not.toBe(before.session.accessJwt);
  });

  it('logs in again only when the stored session is refused (expired refresh token)', async () => {
    const { server, sessionFile, auth } = await fixture();
    const first = await atprotoFollowers.definition.create({ auth });
    await drive(first, subject.did);
    await first.close?.();
    const stored = await readStored(sessionFile);
    server.expireRefreshTokens();
    const second = await atprotoFollowers.definition.create({ auth });
    await drive(second, subject.did);
    await second.close?.();
    expect(server.count('com.atproto.server.refreshSession')).toBe(1);
    expect(server.count('com.atproto.server.createSession')).toBe(2);
    expect((await readStored(sessionFile)).session.accessJwt).not.toBe(stored.session.accessJwt);
  });

  it('replaces a session file that is corrupt or belongs to another account', async () => {
    const { server, sessionFile, auth } = await fixture();
    const source = await atprotoFollowers.definition.create({ auth });
    await drive(source, subject.did);
    await source.close?.();
    for (const content of ['{not json', JSON.stringify({ ...(await readStored(sessionFile)), identifier: 'someone-else.test' })]) {
      await writeFile(sessionFile, content);
      const next = await atprotoFollowers.definition.create({ auth });
      await drive(next, subject.did);
      await next.close?.();
      expect((await readStored(sessionFile)).identifier).toBe(VIEWER.identifier);
    }
    expect(server.count('com.atproto.server.createSession')).toBe(3);
  });

  it('fails a wrong password once, clearly, and does not retry the login for later tasks', async () => {
    const { server, auth } = await fixture();
    const source = await atprotoFollowers.definition.create({ auth: { ...auth, password: 'not-the-password' } });
    const error = await errorOf(drive(source, subject.did));
    expect(error).toMatchObject({ code: 'ATPROTO_AUTH', status: 401, error: 'AuthenticationRequired' });
    expect((error as Error).message).toMatch(/createSession .* answered 401 AuthenticationRequired: Invalid identifier or password; check auth.identifier and the app password/);
    expect((error as Error).message).not.toContain('not-the-password');
    expect(source.isRetryable?.(error)).toBe(false);
    await errorOf(drive(source, actor(7).did));
    expect(server.count('com.atproto.server.createSession')).toBe(1);
    expect(server.count('app.bsky.graph.getFollowers')).toBe(0);
  });

  it('shares one live session between the sources of a process, and refuses one file for two accounts', async () => {
    const { server, auth } = await fixture();
    const followers = await atprotoFollowers.definition.create({ auth });
    const feed = await atprotoAuthorFeed.definition.create({ auth });
    await Promise.all([drive(followers, subject.did), drive(feed, subject.did)]);
    expect(server.count('com.atproto.server.createSession')).toBe(1);
    await expect(atprotoFollowers.definition.create({ auth: { ...auth, identifier: actor(0).handle } })).rejects.toThrow(/session file .* for different accounts/);
    await Promise.all([followers.close?.(), feed.close?.()]);
  });

  it('reads auth from env() through a whole run, never showing the password or tokens', async () => {
    const { server, sessionFile } = await fixture();
    vi.stubEnv('BSKY_IDENTIFIER', VIEWER.identifier);
    vi.stubEnv('BSKY_APP_PASSWORD', VIEWER.password);
    const events: RunEvent[] = [];
    const config = validateConfig(
      {
        pipelines: {
          feeds: {
            source: atprotoAuthorFeed({ auth: { identifier: env('BSKY_IDENTIFIER'), password: env('BSKY_APP_PASSWORD'), service: server.url, sessionFile } }),
            partitions: [subject.handle, actor(16).handle],
            sink: memorySinkInto(new Map()),
          },
        },
      },
      'etl.config.ts',
    );
    const summary = await runPipelines(config, { onEvent: (event) => events.push(event), state: false });
    // actor 16 blocks the viewer: that task fails with a message about the block, the other succeeds.
    expect(summary.tasks.map((t) => t.status)).toEqual(['succeeded', 'failed']);
    expect(summary.tasks[1]?.error).toMatchObject({ code: 'ATPROTO_BLOCKED', status: 400 });
    expect(summary.tasks[1]?.error?.message).toMatch(/because of a block .*BlockedByActor/);
    const { session } = await readStored(sessionFile);
    const everything = JSON.stringify({ events, summary });
    for (const secret of [VIEWER.password, session.accessJwt, session.refreshJwt]) expect(everything).not.toContain(secret);
  });

  it('keeps sessions under .etl/atproto-sessions/<identifier>.json by default', () => {
    expect(defaultSessionFile('Alice.BSKY.social', '/work/project')).toBe('/work/project/.etl/atproto-sessions/alice.bsky.social.json');
    expect(sanitiseIdentifier('me+bsky@example.com')).toBe('me_bsky_example.com');
    expect(sanitiseIdentifier('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(sanitiseIdentifier('did:plc:abc')).toBe('did_plc_abc');
  });
});

describe('auth options', () => {
  it('refuse service together with auth: authenticated calls go to the PDS', () => {
    const check = atprotoFollowers.definition.check!;
    expect(check({ auth: { identifier: 'a', password: 'b' } })).toEqual([]);
    expect(check({ service: 'https://public.api.bsky.app', auth: { identifier: 'a', password: 'b' } })).toEqual([
      { path: 'service', message: expect.stringMatching(/not used with auth/) },
    ]);
  });
});
