import { AtprotoCallError } from './atproto-call-error.js';

/**
 * Runs one call about a record (a list, a starter pack) and tells "not found" in the record's terms: the
 * record was deleted, or its owner's handle no longer resolves, or the URI is wrong.
 */
export async function forRecord<T>(kind: { readonly noun: string }, uri: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AtprotoCallError) || error.code !== 'ATPROTO_NOT_FOUND') throw error;
    throw error.withMessage(`${kind.noun} ${uri} was not found (${error.message}); it may have been deleted, or the URI or its owner's handle is wrong`);
  }
}
