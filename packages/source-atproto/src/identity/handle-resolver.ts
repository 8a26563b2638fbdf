import { isValidDid } from './atproto-syntax.js';
import type { AtprotoClient, CallContext } from '../client/atproto-client.js';

/**
 * Handle → DID through com.atproto.identity.resolveHandle on the source's service, once per handle for the
 * life of the source instance (a run): tasks of several pipelines sharing the instance ask once. A DID is
 * its own answer. Failures are not cached, so a retry asks again.
 */
export class HandleResolver {
  private readonly dids = new Map<string, Promise<string>>();

  constructor(private readonly client: AtprotoClient) {}

  did(actor: string, context: CallContext): Promise<string> {
    if (isValidDid(actor)) return Promise.resolve(actor);
    const handle = actor.toLowerCase();
    let did = this.dids.get(handle);
    if (!did) {
      did = this.client
        .call('com.atproto.identity.resolveHandle', context, async (agent, signal) => (await agent.com.atproto.identity.resolveHandle({ handle }, { signal })).data.did);
      this.dids.set(handle, did);
      did.catch(() => this.dids.delete(handle));
    }
    return did;
  }
}
