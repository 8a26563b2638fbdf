import { describe, expect, it } from 'vitest';
import { toS3CheckError } from './s3-errors.js';

// HeadBucket answers with a status and no error document: the SDK names the error NotFound / Forbidden.
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status, attempts: 1 } });

describe('toS3CheckError (the sink check before the first page)', () => {
  it('a 404 is one line: no such bucket', () => {
    const error = toS3CheckError(sdkError('NotFound', 404), { bucket: 'raw', endpoint: 'http://127.0.0.1:4569' }) as Error & { code: string };
    expect(error.code).toBe('S3_NO_SUCH_BUCKET');
    expect(error.message).toBe("s3://raw: no such bucket at http://127.0.0.1:4569 (create it or correct the `bucket` option); nothing was fetched");
  });

  it('a 403 is one line: access denied, naming the permission HeadBucket needs', () => {
    const error = toS3CheckError(sdkError('Forbidden', 403), { bucket: 'raw' }) as Error & { code: string };
    expect(error.code).toBe('S3_ACCESS_DENIED');
    expect(error.message).toMatch(/^s3:\/\/raw: access denied \(HeadBucket needs s3:ListBucket/);
    expect(error.message).not.toContain('\n');
  });

  it('anything else names the answer and the usual hint', () => {
    const error = toS3CheckError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { bucket: 'raw', endpoint: 'http://127.0.0.1:1' }) as Error;
    expect(error.message).toBe('s3://raw: HeadBucket answered ECONNREFUSED (cannot reach http://127.0.0.1:1: check the `endpoint` option and the network); nothing was fetched');
  });
});
