import type { IncomingMessage } from 'node:http';

/** S3 operations the fault layer can tell apart from a path-style request line and headers. */
export type S3Operation =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'DeleteBucket'
  | 'HeadBucket'
  | 'ListObjects'
  | 'DeleteObjects'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'Other';

/** One request as the fault layer saw it, before s3rver handles it. */
export interface S3Request {
  readonly operation: S3Operation;
  readonly method: string;
  readonly bucket: string | undefined;
  /** The object key, decoded (as the client passed it to the SDK). */
  readonly key: string | undefined;
  /** `partNumber` of UploadPart / UploadPartCopy. */
  readonly partNumber: number | undefined;
  readonly uploadId: string | undefined;
  /** 1-based sequence number of the request on this server. */
  readonly n: number;
  /**
   * How many requests with the same operation, key and part number this server has seen, this one
   * included: 1 on the first attempt, 2 on the SDK's first retry, and so on.
   */
  readonly seen: number;
}

function operationOf(method: string, key: string | undefined, query: URLSearchParams, headers: IncomingMessage['headers']): S3Operation {
  const copy = headers['x-amz-copy-source'] !== undefined;
  const names = [...query.keys()];
  if (key === undefined) {
    if (method === 'GET') return query.has('list-type') || names.length === 0 ? 'ListObjects' : 'Other';
    if (method === 'PUT') return names.length === 0 ? 'CreateBucket' : 'Other';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    return 'Other';
  }
  switch (method) {
    case 'PUT':
      if (query.has('partNumber') && query.has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart';
      if (names.length > 0) return 'Other';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return 'Other';
    case 'GET':
      if (query.has('uploadId')) return 'ListParts';
      return names.every((name) => name.startsWith('response-')) ? 'GetObject' : 'Other';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return 'Other';
  }
}

/** Percent-decoding that never throws: a malformed escape from a hand-made request stays as it is. */
function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Classifies a path-style request (`/bucket/key?query`); `n` and `seen` are filled by the caller. */
export function describeS3Request(req: IncomingMessage): Omit<S3Request, 'n' | 'seen'> {
  const url = new URL(req.url ?? '/', 'http://s3.invalid');
  const path = url.pathname.slice(1);
  const slash = path.indexOf('/');
  const bucket = path === '' ? undefined : decodePath(slash === -1 ? path : path.slice(0, slash));
  const rawKey = slash === -1 ? '' : path.slice(slash + 1);
  const key = rawKey === '' ? undefined : decodePath(rawKey);
  // The SDK adds `x-id=PutObject` and friends to some requests; they do not change the operation.
  const query = new URLSearchParams([...url.searchParams].filter(([name]) => name !== 'x-id'));
  const method = req.method ?? 'GET';
  const partNumber = query.get('partNumber');
  return {
    operation: operationOf(method, key, query, req.headers),
    method,
    bucket,
    key,
    partNumber: partNumber === null ? undefined : Number(partNumber),
    uploadId: query.get('uploadId') ?? undefined,
  };
}
