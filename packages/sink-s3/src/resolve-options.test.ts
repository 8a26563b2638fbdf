import { describe, expect, it } from 'vitest';
import { resolveS3SinkOptions } from './resolve-options.js';

describe('resolveS3SinkOptions', () => {
  it('fills every default in one place', () => {
    const resolved = resolveS3SinkOptions({ bucket: 'raw', key: 'f/{partition}.jsonl' });
    expect(resolved).toMatchObject({
      compression: 'none',
      partSizeBytes: 8 * 1024 * 1024,
      uploadConcurrency: 4,
      rollover: undefined,
      partKeyTemplate: undefined,
      manifest: [{ literal: '_manifests/' }, { placeholder: 'runId' }, { literal: '.json' }],
      object: { bucket: 'raw', contentType: 'application/x-ndjson', storageClass: undefined, metadata: undefined },
      client: { maxAttempts: 8, retryMode: 'standard' },
    });
  });

  it('labels gzip objects application/gzip unless told otherwise, and takes every option given', () => {
    const resolved = resolveS3SinkOptions({
      bucket: 'raw',
      key: 'f/{partition}.jsonl.gz',
      contentType: 'application/x-ndjson+gzip',
      storageClass: 'GLACIER_IR',
      metadata: { a: 'b' },
      rollover: { maxBytes: 10 },
      manifest: false,
      retry: { maxAttempts: 3, mode: 'adaptive' },
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(resolved).toMatchObject({
      compression: 'gzip',
      manifest: undefined,
      partKeyTemplate: { extension: '.jsonl.gz' },
      object: { contentType: 'application/x-ndjson+gzip', storageClass: 'GLACIER_IR', metadata: { a: 'b' }, endpoint: 'http://127.0.0.1:9000' },
      client: { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, maxAttempts: 3, retryMode: 'adaptive' },
    });
    expect(resolveS3SinkOptions({ bucket: 'raw', key: 'f/{partition}.jsonl.gz' }).object.contentType).toBe('application/gzip');
  });

  it('refuses options that check() rejects, listing every problem', () => {
    expect(() => resolveS3SinkOptions({ bucket: 'raw', key: 'f/{nope}.gz', compression: 'none', manifest: 'm.json' })).toThrow(
      /invalid s3.ndjson options: key: unknown placeholder \{nope\}.*; key: the key ends in ".gz".*; manifest: the manifest key must contain \{runId\}/,
    );
  });
});
