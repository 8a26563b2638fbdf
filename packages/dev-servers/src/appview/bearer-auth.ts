import type { IncomingMessage } from 'node:http';
import { AuthRequiredError, InvalidRequestError } from '@atproto/xrpc-server';
import type { SessionTokens } from './session-tokens.js';

/** Who made an authenticated call; null when the call carried no token (allowed on optional-auth methods). */
export interface Viewer {
  readonly credentials: { readonly did: string } | null;
}

/**
 * Access-token auth as the PDS does it: no token is fine where auth is optional, an expired token answers
 * 400 ExpiredToken (which @atproto/api's session answers with a refresh), an unknown one 401 InvalidToken.
 */
export function accessAuth(tokens: SessionTokens, required: boolean) {
  return ({ req }: { req: IncomingMessage }): Viewer => {
    const token = bearerToken(req);
    if (token === undefined) {
      if (required) throw new AuthRequiredError('Authentication Required', 'AuthenticationRequired');
      return { credentials: null };
    }
    const checked = tokens.verifyAccess(token);
    if ('error' in checked) throw refusal(checked);
    return { credentials: { did: checked.did } };
  };
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim() || undefined;
}

export function refusal(answer: { status: number; error: string; message: string }): Error {
  return answer.status === 401 ? new AuthRequiredError(answer.message, answer.error) : new InvalidRequestError(answer.message, answer.error);
}
