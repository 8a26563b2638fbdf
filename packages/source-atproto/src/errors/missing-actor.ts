import { PartitionSkippedError } from '@etl/core';
import { AtprotoCallError, MISSING_ACTOR_CODES } from './atproto-call-error.js';

export type OnMissingActor = 'fail' | 'skip';

const REASONS: Partial<Record<AtprotoCallError['code'], string>> = {
  ATPROTO_NOT_FOUND: 'was not found (no such handle or DID, or it no longer resolves)',
  ATPROTO_ACCOUNT_DEACTIVATED: 'is deactivated',
  ATPROTO_ACCOUNT_SUSPENDED: 'is suspended (taken down)',
  ATPROTO_BLOCKED: 'cannot be read by this account because of a block (BlockedActor: you block them; BlockedByActor: they block you)',
};

/**
 * Runs one call for an actor partition and tells actor problems in the actor's terms: a missing, deactivated
 * or suspended actor fails the task with what to do, or (with `onMissingActor: 'skip'`) skips it.
 */
export async function forActor<T>(actor: string, onMissing: OnMissingActor, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AtprotoCallError)) throw error;
    const reason = REASONS[error.code];
    if (reason === undefined) throw error;
    const message = `actor ${actor} ${reason} (${error.message})`;
    if (!MISSING_ACTOR_CODES.has(error.code)) throw error.withMessage(message);
    if (onMissing === 'skip') throw new PartitionSkippedError(message, { cause: error });
    throw error.withMessage(`${message}; set onMissingActor: 'skip' to skip such actors instead of failing`);
  }
}
