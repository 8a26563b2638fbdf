import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import type { Prng } from './prng.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';
const RAW_CODEC = 0x55;
const SHA2_256 = 0x12;

/** A `did:plc:` identifier: 24 base32 characters, as PLC issues them. */
export function syntheticDid(prng: Prng): string {
  let id = '';
  for (let i = 0; i < 24; i++) id += BASE32[prng.int(0, 31)];
  return `did:plc:${id}`;
}

/** A TID record key (13 sortable base32 chars: 53 bits of microseconds, 10 bits of clock id). */
export function tid(microseconds: number, clockId: number): string {
  let value = (BigInt(microseconds) << 10n) | BigInt(clockId & 0x3ff);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORTABLE[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** A real CIDv1 (raw codec, sha2-256) of the given bytes; the bytes are the record's JSON, not DAG-CBOR. */
export function cidOf(bytes: Uint8Array): string {
  const hash = createHash('sha256').update(bytes).digest();
  return CID.createV1(RAW_CODEC, createDigest(SHA2_256, new Uint8Array(hash))).toString();
}
