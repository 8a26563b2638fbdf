import type { Server } from '@atproto/xrpc-server';
import { accessAuth, bearerToken, refusal } from './bearer-auth.js';
import type { SyntheticActor } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';
import { didDocument } from './did-documents.js';
import type { SessionTokens } from './session-tokens.js';
import { json } from './xrpc-params.js';

// The PDS's documented createSession limit, per account: a client that logs in every run soon hits it.
const CREATE_SESSION_LIMIT = { durationMs: 300_000, points: 30 } as const;

export interface SessionMethodsOptions {
  readonly index: DatasetIndex;
  readonly tokens: SessionTokens;
  /** App passwords by actor DID. */
  readonly passwords: ReadonlyMap<string, string>;
  /** The server's own URL, named as every account's PDS in the DID documents it returns. */
  readonly url: () => string;
}

/**
 * App-password sessions as a PDS (or the bsky.social entryway) serves them: createSession checks the password,
 * refreshSession rotates the token pair (a spent refresh token is refused as revoked), getSession describes it.
 */
export function addSessionMethods(server: Server, options: SessionMethodsOptions): void {
  const { index, tokens, passwords } = options;
  const describe = (actor: SyntheticActor) => ({
    handle: actor.handle,
    did: actor.did,
    didDoc: didDocument(actor, options.url()),
    emailConfirmed: true,
    emailAuthFactor: false,
    active: actor.status === undefined,
    ...(actor.status === 'deactivated' ? { status: 'deactivated' } : {}),
  });

  server.method('com.atproto.server.createSession', {
    // Keyed by account, whichever identifier (handle or DID) names it.
    rateLimit: { ...CREATE_SESSION_LIMIT, calcKey: ({ input }) => accountKey(index, input?.body) },
    handler: ({ input }) => {
      const { identifier, password } = (input?.body ?? {}) as { identifier?: string; password?: string };
      const actor = identifier === undefined ? undefined : index.findActor(identifier);
      if (actor === undefined || password === undefined || passwords.get(actor.did) !== password) {
        return { status: 401, error: 'AuthenticationRequired', message: 'Invalid identifier or password' };
      }
      if (actor.status === 'takendown') return { status: 401, error: 'AccountTakedown', message: 'Account has been taken down' };
      return json({ ...tokens.issue(actor.did), ...describe(actor) });
    },
  });

  server.method('com.atproto.server.refreshSession', ({ req }) => {
    const rotated = tokens.rotate(bearerToken(req) ?? '');
    if ('error' in rotated) throw refusal(rotated);
    const actor = index.actorByDid(rotated.did);
    if (actor === undefined) return { status: 400, error: 'InvalidRequest', message: 'Could not find account' };
    return json({ accessJwt: rotated.accessJwt, refreshJwt: rotated.refreshJwt, ...describe(actor) });
  });

  server.method('com.atproto.server.getSession', {
    auth: accessAuth(tokens, true),
    handler: ({ auth }) => {
      const actor = auth.credentials === null ? undefined : index.actorByDid(auth.credentials.did);
      if (actor === undefined) return { status: 400, error: 'InvalidRequest', message: 'Could not find account' };
      return json(describe(actor));
    },
  });

  server.method('com.atproto.server.deleteSession', ({ req }) => {
    tokens.revoke(bearerToken(req) ?? '');
  });
}

function accountKey(index: DatasetIndex, body: unknown): string {
  const identifier = (body as { identifier?: unknown } | undefined)?.identifier;
  if (typeof identifier !== 'string') return '(none)';
  return index.findActor(identifier)?.did ?? identifier.toLowerCase();
}
