import type { PluginCheckContext } from '@etl/core';
import { AtprotoCallError } from '../errors/atproto-call-error.js';
import type { AtprotoClient } from './atproto-client.js';

/**
 * The source's `check()` (for `etl check`): one com.atproto.identity.resolveHandle of a well-known handle
 * through the source's default service, so with credentials the login happens too. Any answer of the
 * service but 401/403, 429 and 5xx means it is there and takes these credentials (a fixture or another
 * network may not know the handle). Rejects with one line naming the service.
 */
export async function checkService(client: AtprotoClient, context: PluginCheckContext): Promise<void> {
  const signal = context.signal ?? new AbortController().signal;
  try {
    await client.call('com.atproto.identity.resolveHandle', { signal, report: () => undefined }, async (agent, callSignal) => {
      await agent.com.atproto.identity.resolveHandle({ handle: 'bsky.app' }, { signal: callSignal });
    });
  } catch (error) {
    const status = error instanceof AtprotoCallError ? error.status : undefined;
    if (status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) return;
    const message = (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)).replace(/; retrying under the pipeline policy$/, '');
    throw new Error(`${client.origin}: ${message}`, { cause: error });
  }
}
