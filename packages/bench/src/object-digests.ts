// Reads back what a measured run wrote under its prefix, as a digest per object (lines, bytes, SHA-256,
// content type), streaming each body so that objects of any size cost no memory in the harness.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createTestS3Client, type S3Connection } from '@etl/dev-servers/s3';

export interface ObjectDigest {
  readonly lines: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly contentType: string | undefined;
  /** Whether the body ends with a newline (or is empty): NDJSON ends every record with one. */
  readonly endsWithNewline: boolean;
}

const NEWLINE = 0x0a;

/** Every object under `prefix`, by its key with the prefix taken off. */
export async function digestObjects(s3: S3Connection, bucket: string, prefix: string): Promise<Map<string, ObjectDigest>> {
  const client = createTestS3Client(s3);
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);

    const digests = new Map<string, ObjectDigest>();
    for (const key of keys) {
      const { Body, ContentType } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(Body instanceof Readable)) throw new Error(`s3://${bucket}/${key}: no readable body`);
      const hash = createHash('sha256');
      let lines = 0;
      let bytes = 0;
      let last = NEWLINE;
      for await (const chunk of Body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
        if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
      }
      digests.set(key.slice(prefix.length), { lines, bytes, sha256: hash.digest('hex'), contentType: ContentType, endsWithNewline: last === NEWLINE });
    }
    return digests;
  } finally {
    client.destroy();
  }
}
