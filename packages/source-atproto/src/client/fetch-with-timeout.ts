import { parsableErrorResponse } from './error-response.js';

/**
 * A fetch whose every request gives up after `timeoutMs`, body included (the signal stays attached to the
 * response stream). For calls made inside @atproto/api (login, session refresh) that take no signal of ours;
 * a request that carries its own signal keeps it, and whichever fires first wins.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const signal = own ? AbortSignal.any([own, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    // `duplex` is required by undici whenever a request body may be a stream; @atproto/xrpc sets it too.
    // A login or refresh answered with an error page under a JSON content-type fails by its status too.
    return fetch(input, { ...init, signal, duplex: 'half' } as RequestInit).then(parsableErrorResponse);
  };
}
