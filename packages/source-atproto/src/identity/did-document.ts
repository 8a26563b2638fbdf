import { AtprotoCallError } from '../errors/atproto-call-error.js';

/**
 * Where a DID's document lives: did:plc at the PLC directory (`<plcDirectory>/<did>`), did:web at
 * `https://<host>/.well-known/did.json` (atproto allows no path, only a host with an optional %3A port;
 * `localhost` is fetched over http, as @atproto/identity does, for local development).
 */
export function didDocumentUrl(did: string, plcDirectory: string): string {
  if (did.startsWith('did:plc:')) return `${plcDirectory.replace(/\/+$/, '')}/${did}`;
  if (did.startsWith('did:web:')) {
    const id = did.slice('did:web:'.length);
    if (id.includes(':')) throw new RangeError(`${did}: did:web with a path is not an atproto DID`);
    const host = decodeURIComponent(id);
    const url = new URL(`https://${host}/.well-known/did.json`);
    if (url.hostname === 'localhost') url.protocol = 'http:';
    return url.href;
  }
  throw new RangeError(`${did}: only did:plc and did:web are atproto DID methods`);
}

interface DidService {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly serviceEndpoint?: unknown;
}

/** The `#atproto_pds` endpoint of a DID document, or undefined when it names none (or a non-HTTP one). */
export function pdsEndpointOf(document: unknown, did: string): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const services = (document as { service?: unknown }).service;
  if (!Array.isArray(services)) return undefined;
  const pds = (services as DidService[]).find(
    (service) => (service.id === '#atproto_pds' || service.id === `${did}#atproto_pds`) && service.type === 'AtprotoPersonalDataServer',
  );
  const endpoint = pds?.serviceEndpoint;
  if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint) || !URL.canParse(endpoint)) return undefined;
  return endpoint;
}

/** Checks that a fetched document is the one asked for: a document for another DID must not route our calls. */
export function checkDocumentId(document: unknown, did: string, url: string): void {
  const id = typeof document === 'object' && document !== null ? (document as { id?: unknown }).id : undefined;
  if (id !== did) {
    throw new AtprotoCallError('ATPROTO_INVALID_RESPONSE', `the DID document at ${url} is for ${String(id)}, not ${did}`, {
      method: 'DID document',
      service: new URL(url).origin,
    });
  }
}
