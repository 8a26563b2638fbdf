import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { PartKeys } from './part-keys.js';
import { toS3WriteError } from './s3-errors.js';

export interface StalePartsRequest {
  readonly client: S3Client;
  readonly bucket: string;
  readonly keys: PartKeys;
  /** Parts 1..keep belong to this run; higher-numbered ones are left over from an earlier run. */
  readonly keep: number;
  readonly signal: AbortSignal;
  readonly endpoint?: string | undefined;
}

/**
 * Deletes part objects numbered above `keep` that an earlier run of the same task left behind (a run
 * with more parts), so that after a commit the task's keys are exactly this run's parts. Only keys that
 * are exactly `base-NNNNN.ext` for this task are touched. Returns the keys deleted.
 */
export async function deleteStaleParts(request: StalePartsRequest): Promise<string[]> {
  const { client, bucket, keys, keep, signal, endpoint } = request;
  const stale: string[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${keys.base}-`, ContinuationToken: token }), { abortSignal: signal })
      .catch((error: unknown) => {
        throw toS3WriteError(error, { bucket, key: `${keys.base}-*${keys.extension}`, operation: 'ListObjectsV2 (looking for parts left by an earlier run)', endpoint });
      });
    for (const { Key } of page.Contents ?? []) {
      const part = Key === undefined ? undefined : keys.partOf(Key);
      if (Key !== undefined && part !== undefined && part > keep) stale.push(Key);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);

  for (const key of stale) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }).catch((error: unknown) => {
      throw toS3WriteError(error, { bucket, key, operation: 'DeleteObject (a part left by an earlier run)', endpoint });
    });
  }
  return stale;
}
