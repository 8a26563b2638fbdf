// multiformats 9 ships types only through `typesVersions`, which NodeNext ignores once `exports` exists;
// these declare the little of it the fixture uses.
declare module 'multiformats/hashes/digest' {
  export interface MultihashDigest {
    readonly code: number;
    readonly digest: Uint8Array;
    readonly bytes: Uint8Array;
  }
  export function create(code: number, digest: Uint8Array): MultihashDigest;
}

declare module 'multiformats/cid' {
  import type { MultihashDigest } from 'multiformats/hashes/digest';
  export class CID {
    readonly version: 0 | 1;
    readonly code: number;
    readonly multihash: MultihashDigest;
    static createV1(code: number, digest: MultihashDigest): CID;
    static parse(source: string): CID;
    toString(): string;
  }
}
