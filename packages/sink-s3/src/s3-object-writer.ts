import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createBodyEncoder, type BodyEncoder } from './body-encoder.js';
import { MultipartUpload } from './multipart-upload.js';
import type { Compression } from './options.js';
import { PartBuffer } from './part-buffer.js';
import type { PartPool } from './part-pool.js';
import { toS3WriteError } from './s3-errors.js';
import type { S3ObjectSpec } from './s3-object-spec.js';
import type { UploadQueue } from './upload-queue.js';

export interface S3ObjectWriterOptions {
  readonly compression: Compression;
  readonly partSizeBytes: number;
  /** Shared by every object of a task, so a task never has more than its limit of parts in flight. */
  readonly queue: UploadQueue;
  /** The task's reusable full-size part buffers (of `partSizeBytes`), shared by its objects. */
  readonly parts: PartPool;
  /** Cancels this object's requests (the task's signal, or the writer's own abort). */
  readonly signal: AbortSignal;
}

/**
 * Streams bytes into one S3 object without publishing it: NDJSON → (gzip) → fixed-size parts uploaded
 * into a multipart upload that stays open until `complete()`. An object that never fills a part keeps
 * its bytes in memory (at most one part) and is written with a single PutObject at `complete()`.
 */
export class S3ObjectWriter {
  readonly spec: S3ObjectSpec;
  readonly #client: S3Client;
  readonly #options: S3ObjectWriterOptions;
  readonly #buffer: PartBuffer;
  readonly #encoder: BodyEncoder;
  readonly #upload: MultipartUpload;
  #putBody: Buffer | undefined;
  #records = 0;
  #rawBytes = 0;
  #storedBytes = 0;

  constructor(client: S3Client, spec: S3ObjectSpec, options: S3ObjectWriterOptions) {
    this.spec = spec;
    this.#client = client;
    this.#options = options;
    this.#upload = new MultipartUpload(client, spec, options.signal);
    this.#buffer = new PartBuffer(options.parts);
    this.#encoder = createBodyEncoder(options.compression, (chunk) => {
      this.#storedBytes += chunk.length;
      this.#buffer.append(chunk);
    });
  }

  /** Records written so far. */
  get records(): number {
    return this.#records;
  }

  /** NDJSON bytes written so far, before compression. */
  get rawBytes(): number {
    return this.#rawBytes;
  }

  /** Bytes of the stored object (after compression); final once sealed. */
  get bytes(): number {
    return this.#storedBytes;
  }

  /** Adds `records` records' NDJSON; waits while the task has its limit of parts in flight. */
  async write(ndjson: Buffer, records: number): Promise<void> {
    if (ndjson.length > 0) await this.#encoder.write(ndjson);
    this.#records += records;
    this.#rawBytes += ndjson.length;
    await this.#uploadFullParts();
  }

  /**
   * Ends the object's bytes. With `keepInMemory`, an object smaller than one part stays in memory for a
   * PutObject at `complete()`; otherwise the rest is uploaded as the last part now (rolled-over objects
   * must leave memory before the next one fills). Part uploads may still be in flight afterwards.
   */
  async seal(keepInMemory: boolean): Promise<void> {
    await this.#encoder.end();
    await this.#uploadFullParts();
    const rest = this.#buffer.takeAll();
    if (this.#upload.partCount === 0 && (keepInMemory || rest.length === 0)) {
      this.#putBody = rest;
      return;
    }
    if (rest.length > 0) await this.#queuePart(() => rest);
  }

  /** Publishes the sealed object; it appears, whole, when this resolves. */
  async complete(): Promise<void> {
    if (this.#putBody === undefined) return this.#upload.complete();
    const { bucket, key, contentType, storageClass, metadata } = this.spec;
    const body = this.#putBody;
    await this.#client
      .send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: contentType,
          ...(storageClass === undefined ? {} : { StorageClass: storageClass }),
          ...(metadata === undefined ? {} : { Metadata: { ...metadata } }),
        }),
        { abortSignal: this.#options.signal },
      )
      .catch((error: unknown) => {
        throw toS3WriteError(error, { ...this.spec, operation: 'PutObject' });
      });
    this.#putBody = undefined;
  }

  /** Drops the object: stops encoding and aborts its multipart upload (best effort). */
  async abort(): Promise<void> {
    this.#encoder.destroy();
    this.#putBody = undefined;
    await this.#upload.abort();
  }

  async #uploadFullParts(): Promise<void> {
    const { partSizeBytes, parts } = this.#options;
    while (this.#buffer.size >= partSizeBytes) {
      await this.#queuePart(
        () => this.#buffer.take(partSizeBytes),
        (part) => parts.release(part),
      );
    }
  }

  /**
   * `cut` makes the part's body only once an upload slot is free: a part cut earlier would wait in memory
   * beside those in flight. `uploaded` runs only after the upload succeeded, when the SDK is done with
   * the body's bytes.
   */
  #queuePart(cut: () => Buffer, uploaded?: (body: Buffer) => void): Promise<void> {
    const partNumber = this.#upload.nextPartNumber();
    return this.#options.queue.run(async () => {
      const body = cut();
      await this.#upload.uploadPart(partNumber, body);
      uploaded?.(body);
    });
  }
}
