import type { AtprotoClient, CallContext } from '../client/atproto-client.js';
import { AtprotoCallError } from '../errors/atproto-call-error.js';
import { checkDocumentId, didDocumentUrl, pdsEndpointOf } from './did-document.js';

/**
 * DID → the actor's own PDS, from its DID document (`#atproto_pds`), once per DID for the life of the source
 * instance. Failures are not cached, so a retry asks again.
 */
export class PdsResolver {
  private readonly endpoints = new Map<string, Promise<string>>();

  constructor(
    private readonly client: AtprotoClient,
    private readonly plcDirectory: string,
  ) {}

  pds(did: string, context: CallContext): Promise<string> {
    let endpoint = this.endpoints.get(did);
    if (!endpoint) {
      endpoint = this.lookUp(did, context);
      this.endpoints.set(did, endpoint);
      endpoint.catch(() => this.endpoints.delete(did));
    }
    return endpoint;
  }

  private async lookUp(did: string, context: CallContext): Promise<string> {
    let url: string;
    try {
      url = didDocumentUrl(did, this.plcDirectory);
    } catch (error) {
      throw new AtprotoCallError('ATPROTO_INVALID_REQUEST', (error as Error).message, { method: 'DID document', service: this.plcDirectory, cause: error });
    }
    const document = await this.client.fetchJson(url, 'DID document', context);
    checkDocumentId(document, did, url);
    const endpoint = pdsEndpointOf(document, did);
    if (endpoint === undefined) {
      throw new AtprotoCallError('ATPROTO_NOT_FOUND', `the DID document of ${did} (${url}) names no #atproto_pds service: the account has no PDS`, {
        method: 'DID document',
        service: new URL(url).origin,
      });
    }
    return endpoint;
  }
}
