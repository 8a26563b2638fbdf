import { describe, expect, it } from 'vitest';
import { checkDocumentId, didDocumentUrl, pdsEndpointOf } from './did-document.js';

const did = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';

describe('didDocumentUrl', () => {
  it('finds did:plc documents at the PLC directory', () => {
    expect(didDocumentUrl(did, 'https://plc.directory')).toBe(`https://plc.directory/${did}`);
    expect(didDocumentUrl(did, 'http://127.0.0.1:4000/')).toBe(`http://127.0.0.1:4000/${did}`);
  });

  it('finds did:web documents at https://<host>/.well-known/did.json (http for localhost)', () => {
    expect(didDocumentUrl('did:web:example.com', 'https://plc.directory')).toBe('https://example.com/.well-known/did.json');
    expect(didDocumentUrl('did:web:localhost%3A2583', 'https://plc.directory')).toBe('http://localhost:2583/.well-known/did.json');
    expect(() => didDocumentUrl('did:web:example.com:user:alice', 'https://plc.directory')).toThrow(/path/);
    expect(() => didDocumentUrl('did:key:z6Mkabc', 'https://plc.directory')).toThrow(/only did:plc and did:web/);
  });
});

describe('pdsEndpointOf', () => {
  const service = (id: string, type = 'AtprotoPersonalDataServer', serviceEndpoint: unknown = 'https://pds.example.com') => ({ id, type, serviceEndpoint });

  it('reads #atproto_pds, short or fully qualified', () => {
    expect(pdsEndpointOf({ id: did, service: [service('#atproto_labeler', 'AtprotoLabeler'), service('#atproto_pds')] }, did)).toBe('https://pds.example.com');
    expect(pdsEndpointOf({ id: did, service: [service(`${did}#atproto_pds`)] }, did)).toBe('https://pds.example.com');
  });

  it('finds none in documents without a usable one', () => {
    expect(pdsEndpointOf({ id: did }, did)).toBeUndefined();
    expect(pdsEndpointOf({ id: did, service: [service('#atproto_pds', 'SomethingElse')] }, did)).toBeUndefined();
    expect(pdsEndpointOf({ id: did, service: [service('#atproto_pds', undefined, 'ftp://pds.example.com')] }, did)).toBeUndefined();
    expect(pdsEndpointOf({ id: did, service: [service('#atproto_pds', undefined, { uri: 'x' })] }, did)).toBeUndefined();
    expect(pdsEndpointOf('not a document', did)).toBeUndefined();
  });

  it('refuses a document for another DID', () => {
    expect(() => checkDocumentId({ id: 'did:plc:other' }, did, 'https://plc.directory/x')).toThrow(/is for did:plc:other, not/);
    expect(() => checkDocumentId({ id: did }, did, 'https://plc.directory/x')).not.toThrow();
  });
});
