import type { StorageClass } from '@aws-sdk/client-s3';
import type { S3ObjectLocation } from './s3-errors.js';

/** Everything S3 is told about one object besides its bytes. */
export interface S3ObjectSpec extends S3ObjectLocation {
  readonly contentType: string;
  readonly storageClass?: StorageClass | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** The `endpoint` option, named in error messages. */
  readonly endpoint?: string | undefined;
}
