import { EtlError } from '@etl/core';
import { AppPasswordSession } from './app-password-session.js';
import type { AppPasswordAuth } from './app-password-session.js';

interface Entry {
  readonly session: AppPasswordSession;
  readonly identifier: string;
  readonly service: string;
  holders: number;
}

/** A share of a session; release it when the source closes. */
export interface SessionLease {
  readonly session: AppPasswordSession;
  release(): Promise<void>;
}

// Refresh tokens rotate: two holders of one session refreshing independently would spend each other's token.
// So every source instance of this process that uses a session file shares one live session.
const entries = new Map<string, Entry>();

export function leaseSession(auth: AppPasswordAuth, timeoutMs: number): SessionLease {
  const key = auth.sessionFile;
  let entry = entries.get(key);
  if (entry && (entry.identifier !== auth.identifier.toLowerCase() || entry.service !== auth.service)) {
    throw new EtlError(
      'ATPROTO_SESSION_CONFLICT',
      `two sources use the session file ${key} for different accounts or login services; give each account its own auth.sessionFile`,
    );
  }
  if (!entry) {
    entry = { session: new AppPasswordSession(auth, timeoutMs), identifier: auth.identifier.toLowerCase(), service: auth.service, holders: 0 };
    entries.set(key, entry);
  }
  const held = entry;
  held.holders++;
  let released = false;
  return {
    session: held.session,
    async release() {
      if (released) return;
      released = true;
      held.holders--;
      if (held.holders === 0 && entries.get(key) === held) entries.delete(key);
      await held.session.flush();
    },
  };
}
