import { isValidDid, isValidHandle } from './atproto-syntax.js';

/** Checks that a value names an actor (a handle or a DID) by syntax alone; returns a problem or nothing. */
export function checkActorIdentifier(value: string): string | undefined {
  if (value.startsWith('did:')) {
    return isValidDid(value) ? undefined : `"${value}" is not a valid DID (expected e.g. did:plc:... or did:web:...)`;
  }
  return isValidHandle(value)
    ? undefined
    : `"${value}" is not a valid actor: expected a handle (e.g. alice.bsky.social) or a DID (did:plc:...)`;
}
