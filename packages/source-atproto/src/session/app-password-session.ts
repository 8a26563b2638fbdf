import { CredentialSession } from '@atproto/api';
import type { AtpSessionData, AtpSessionEvent } from '@atproto/api';
import { EtlError } from '@etl/core';
import { fetchWithTimeout } from '../client/fetch-with-timeout.js';
import { AtprotoCallError } from '../errors/atproto-call-error.js';
import { toAtprotoCallError } from '../errors/classify-error.js';
import { deleteSessionFile, readSessionFile, writeSessionFile } from './session-file.js';

export interface AppPasswordAuth {
  /** Handle, DID or email the account logs in with. */
  readonly identifier: string;
  readonly password: string;
  /** Where to log in (the PDS or the bsky.social entryway), e.g. `https://bsky.social`. */
  readonly service: string;
  /** Absolute path of the session file. */
  readonly sessionFile: string;
}

/**
 * One account's app-password session, kept alive across runs through a session file, on top of
 * @atproto/api's CredentialSession, which does the protocol work:
 *
 * - `resumeSession(stored)` always refreshes once (that is how the library checks a stored session and
 *   learns the PDS from the DID document), so a run with a stored session costs one refreshSession and no
 *   createSession; createSession (limited to 30 per 5 minutes per account) runs only when there is no stored
 *   session or the server refused it (expired or revoked refresh token).
 * - Every authenticated call goes to the PDS named in the session's DID document; on 401 or 400
 *   ExpiredToken the library refreshes once (concurrent refreshes share one) and repeats the call once.
 * - Every new token pair is reported through `persistSession`, which rewrites the file; a session the server
 *   expired is deleted.
 */
export class AppPasswordSession {
  readonly credential: CredentialSession;
  private establishing: Promise<void> | undefined;
  /** A failure no retry can fix (wrong password, unwritable session file): every later call gets it at once. */
  private failure: Error | undefined;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;

  constructor(
    private readonly auth: AppPasswordAuth,
    private readonly timeoutMs: number,
  ) {
    this.credential = new CredentialSession(new URL(auth.service), fetchWithTimeout(timeoutMs), (event, session) => this.persist(event, session));
  }

  get did(): string | undefined {
    return this.credential.did;
  }

  /** Whether a session is held in memory (else the next call resumes the stored one or logs in). */
  get established(): boolean {
    return this.credential.hasSession;
  }

  get loginOrigin(): string {
    return new URL(this.auth.service).origin;
  }

  /** Where authenticated calls go: the PDS from the session's DID document, else the login service. */
  get dispatchUrl(): URL {
    return this.credential.dispatchUrl;
  }

  /** Makes sure a session is held: the one in memory, else the stored one resumed, else a new login. */
  ensure(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.credential.hasSession) return Promise.resolve();
    this.establishing ??= this.establish().finally(() => {
      this.establishing = undefined;
    });
    return this.establishing;
  }

  /** Waits for pending session-file writes (before the process may exit). */
  async flush(): Promise<void> {
    await this.writes;
  }

  private async establish(): Promise<void> {
    const { identifier, service, sessionFile } = this.auth;
    const stored = await readSessionFile(sessionFile, { identifier, service }).catch((error: unknown) => {
      throw this.fail(new EtlError('ATPROTO_SESSION_FILE', `cannot read the session file ${sessionFile}: ${(error as Error).message}; fix its permissions or set auth.sessionFile`, { cause: error }));
    });
    if (stored) {
      try {
        await this.credential.resumeSession(stored.session);
        return await this.checkWrites();
      } catch (error) {
        // The library keeps the session when the refresh failed for a transient reason: retry later, do not log in.
        if (this.credential.hasSession) throw this.describe(error, 'com.atproto.server.refreshSession');
        // Otherwise the server refused it (expired or revoked): only now is a new login warranted.
      }
    }
    try {
      await this.credential.login({ identifier, password: this.auth.password });
    } catch (error) {
      const failure = this.describe(error, 'com.atproto.server.createSession');
      throw failure.retryable ? failure : this.fail(failure);
    }
    await this.checkWrites();
  }

  private describe(error: unknown, method: string): AtprotoCallError {
    const failure = toAtprotoCallError(error, { method, service: new URL(this.auth.service).origin, timeoutMs: this.timeoutMs });
    if (failure.code !== 'ATPROTO_AUTH') return failure;
    return failure.withMessage(
      `${failure.message}; check auth.identifier and the app password ` +
        `(e.g. auth: { identifier: env('BSKY_IDENTIFIER'), password: env('BSKY_APP_PASSWORD') })`,
    );
  }

  private fail(error: Error): Error {
    this.failure = error;
    return error;
  }

  private async checkWrites(): Promise<void> {
    await this.writes;
    if (this.writeError === undefined) return;
    const { sessionFile } = this.auth;
    throw this.fail(
      new EtlError('ATPROTO_SESSION_FILE', `cannot write the session file ${sessionFile}: ${(this.writeError as Error).message}; without it every run logs in again (createSession is limited to 30 per 5 minutes); fix the directory's permissions or set auth.sessionFile`, { cause: this.writeError }),
    );
  }

  // Called by CredentialSession, which does not wait for it: writes are chained so they land in order.
  private persist(event: AtpSessionEvent, session: AtpSessionData | undefined): void {
    const { sessionFile, identifier, service } = this.auth;
    if ((event === 'create' || event === 'update') && session) {
      this.queue(() => writeSessionFile(sessionFile, { version: 1, service, identifier, session, savedAt: new Date().toISOString() }));
    } else if (event === 'expired') {
      this.queue(() => deleteSessionFile(sessionFile));
    }
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((error: unknown) => {
      this.writeError = error;
    });
  }
}
