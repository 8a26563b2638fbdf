import { createHash } from 'node:crypto';
import type { SyntheticActor } from './dataset.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A DID document as the PLC directory serves it, naming `pdsUrl` as the actor's `#atproto_pds`. */
export function didDocument(actor: SyntheticActor, pdsUrl: string) {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1', 'https://w3id.org/security/suites/secp256k1-2019/v1'],
    id: actor.did,
    alsoKnownAs: [`at://${actor.handle}`],
    verificationMethod: [
      { id: `${actor.did}#atproto`, type: 'Multikey', controller: actor.did, publicKeyMultibase: fakeMultikey(actor.did) },
    ],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: pdsUrl }],
  };
}

/** Looks like a secp256k1 multikey (`zQ3s...`, base58btc characters) but is derived from the DID: nothing is signed. */
function fakeMultikey(did: string): string {
  const bytes = createHash('sha256').update(did).digest();
  let out = 'zQ3sh';
  for (const byte of bytes) out += BASE58[byte % BASE58.length];
  return out + out.slice(5, 20);
}
