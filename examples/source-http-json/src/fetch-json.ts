import { isAbortError } from '@etl/core';
import { HttpJsonError } from './http-json-error.js';

export interface JsonResponse {
  readonly body: unknown;
  readonly link: string | null;
}

/** Where a request went, without its query (which may carry cursors or keys) for messages. */
function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** GET a JSON document, aborted by `signal` and failed (retryably) after `timeoutMs`. Header values never reach a message. */
export async function fetchJson(url: string, headers: Record<string, string>, signal: AbortSignal, timeoutMs: number): Promise<JsonResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.any([signal, timeout]) });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw new HttpJsonError('HTTP_TIMEOUT', `GET ${where(url)} timed out after ${timeoutMs} ms`);
    if (isAbortError(error)) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new HttpJsonError('HTTP_NETWORK', `GET ${where(url)} failed${cause ? ` (${cause})` : ''}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new HttpJsonError('HTTP_STATUS', `GET ${where(url)} answered ${response.status} ${response.statusText}`.trim(), { status: response.status });
  }
  try {
    return { body: await response.json(), link: response.headers.get('link') };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw new HttpJsonError('HTTP_TIMEOUT', `GET ${where(url)} timed out after ${timeoutMs} ms`);
    throw new HttpJsonError('HTTP_BAD_RESPONSE', `GET ${where(url)} did not return JSON`, { cause: error });
  }
}
