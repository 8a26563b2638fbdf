import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { EtlError } from '@etl/core';
import { s3Url, toS3WriteError } from './s3-errors.js';
import type { S3ObjectSpec } from './s3-object-spec.js';

/** S3's limit on parts per multipart upload. */
export const MAX_PARTS = 10_000;

/**
 * One object's multipart upload, kept open until `complete()`: parts uploaded before that are stored by
 * S3 but belong to no visible object, so a task can upload as it goes and still publish only at commit.
 * Every body is a Buffer, which the SDK can resend as is when it retries.
 */
export class MultipartUpload {
  readonly #client: S3Client;
  readonly #spec: S3ObjectSpec;
  readonly #signal: AbortSignal;
  readonly #parts: CompletedPart[] = [];
  #uploadId: Promise<string> | undefined;
  #nextPart = 1;

  constructor(client: S3Client, spec: S3ObjectSpec, signal: AbortSignal) {
    this.#client = client;
    this.#spec = spec;
    this.#signal = signal;
  }

  /** Parts handed out so far (uploaded or in flight). */
  get partCount(): number {
    return this.#nextPart - 1;
  }

  /** Reserves the next part number, so parts keep their order whatever order their uploads finish in. */
  nextPartNumber(): number {
    if (this.#nextPart > MAX_PARTS) {
      throw new EtlError(
        'S3_TOO_MANY_PARTS',
        `writing ${s3Url(this.#spec)} needs more than ${MAX_PARTS} multipart parts: raise \`partSizeBytes\` or set \`rollover.maxBytes\``,
      );
    }
    return this.#nextPart++;
  }

  async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const uploadId = await this.#create();
    const result = await this.#client
      .send(new UploadPartCommand({ ...this.#target(), UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }), {
        abortSignal: this.#signal,
      })
      .catch((error: unknown) => {
        throw toS3WriteError(error, { ...this.#spec, operation: `UploadPart ${partNumber}` });
      });
    if (result.ETag === undefined) {
      throw new EtlError('S3_WRITE_FAILED', `writing ${s3Url(this.#spec)} failed: UploadPart ${partNumber} returned no ETag`);
    }
    const { ETag, ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256 } = result;
    // S3 wants the checksum of each part back on Complete when the upload was created with one.
    this.#parts.push({ PartNumber: partNumber, ETag, ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256 });
  }

  /** Publishes the object: it appears, whole, when this resolves. Every part upload must have settled. */
  async complete(): Promise<void> {
    const uploadId = await this.#create();
    const parts = [...this.#parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await this.#client
      .send(new CompleteMultipartUploadCommand({ ...this.#target(), UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: this.#signal })
      .catch((error: unknown) => {
        throw toS3WriteError(error, { ...this.#spec, operation: 'CompleteMultipartUpload' });
      });
  }

  /**
   * Discards the upload and its parts, best effort: an upload that cannot be aborted (s3rver answers
   * 405; a missing permission) is still invisible, and an AbortIncompleteMultipartUpload lifecycle rule
   * removes its parts.
   */
  async abort(): Promise<void> {
    if (this.#uploadId === undefined) return;
    const uploadId = await this.#uploadId.catch(() => undefined);
    if (uploadId === undefined) return;
    // Not under the task's signal: this runs precisely when that signal may have fired.
    await this.#client.send(new AbortMultipartUploadCommand({ ...this.#target(), UploadId: uploadId })).catch(() => undefined);
  }

  #target(): { Bucket: string; Key: string } {
    return { Bucket: this.#spec.bucket, Key: this.#spec.key };
  }

  #create(): Promise<string> {
    this.#uploadId ??= this.#createUpload();
    return this.#uploadId;
  }

  async #createUpload(): Promise<string> {
    // Mirrors lib-storage: with the SDK's default checksums, parts carry CRC32 and Complete lists them.
    const checksums = (await this.#client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
    const { contentType, storageClass, metadata } = this.#spec;
    const created = await this.#client
      .send(
        new CreateMultipartUploadCommand({
          ...this.#target(),
          ContentType: contentType,
          ...(storageClass === undefined ? {} : { StorageClass: storageClass }),
          ...(metadata === undefined ? {} : { Metadata: { ...metadata } }),
          ...(checksums ? { ChecksumAlgorithm: 'CRC32' as const } : {}),
        }),
        { abortSignal: this.#signal },
      )
      .catch((error: unknown) => {
        throw toS3WriteError(error, { ...this.#spec, operation: 'CreateMultipartUpload' });
      });
    if (created.UploadId === undefined) {
      throw new EtlError('S3_WRITE_FAILED', `writing ${s3Url(this.#spec)} failed: CreateMultipartUpload returned no UploadId`);
    }
    return created.UploadId;
  }
}
