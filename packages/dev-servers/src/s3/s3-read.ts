import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Connection } from './start-s3.js';

/** A client with the settings s3rver needs (see platform notes, "S3 on loopback"), plus `overrides`. */
export function createTestS3Client(server: S3Connection, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

async function withClient<R>(server: S3Connection, use: (client: S3Client) => Promise<R>): Promise<R> {
  const client = createTestS3Client(server);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** Every key in the bucket, in S3's (lexicographic) order. */
export function listKeys(server: S3Connection, bucket: string): Promise<string[]> {
  return withClient(server, async (client) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  });
}

export function getObject(server: S3Connection, bucket: string, key: string): Promise<Buffer> {
  return withClient(server, async (client) => {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (response.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
    return Buffer.from(await response.Body.transformToByteArray());
  });
}

/** The whole bucket as key → content. */
export async function readObjects(server: S3Connection, bucket: string): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  for (const key of await listKeys(server, bucket)) objects.set(key, await getObject(server, bucket, key));
  return objects;
}
