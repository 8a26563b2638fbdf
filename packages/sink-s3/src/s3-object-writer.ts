import { Transform, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { abortError, toS3WriteError, type S3ObjectLocation } from './s3-errors.js';

export interface S3ObjectTarget extends S3ObjectLocation {
  readonly contentType: string;
  readonly gzip: boolean;
  readonly partSizeBytes: number;
}

/**
 * Streams bytes into one S3 object through lib-storage's Upload. The object appears only when the
 * upload completes (a single PutObject, or CompleteMultipartUpload), i.e. inside `finish()`.
 *
 * Failures end in one place: the upload's `done()`. A broken stream is destroyed together with its
 * partner, which makes the upload reject; a failed upload or an abort destroys the streams, which
 * releases a `write()` waiting for 'drain'. The error reported is the upload's (or the abort), never
 * the "premature close" that lib-storage causes when it stops reading after an S3 error.
 */
export class S3ObjectWriter {
  readonly #target: S3ObjectTarget;
  readonly #head: Writable;
  readonly #body: Transform;
  readonly #upload: Upload;
  readonly #done: Promise<void>;
  readonly #settled: Promise<void>;
  #bytes = 0;
  #failure: unknown;
  #failed = false;
  #state: 'writing' | 'finishing' | 'finished' | 'aborted' = 'writing';

  constructor(client: S3Client, target: S3ObjectTarget) {
    this.#target = target;
    // The last stage counts what is uploaded, i.e. bytes after compression.
    this.#body = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.#bytes += chunk.length;
        callback(null, chunk);
      },
    });
    if (target.gzip) {
      const gzip = createGzip();
      gzip.pipe(this.#body);
      this.#head = gzip;
    } else {
      this.#head = this.#body;
    }
    // The 'error' listener also keeps a destroy(error) from surfacing as an uncaught exception.
    for (const stream of new Set<Writable>([this.#head, this.#body])) {
      stream.on('error', (error) => this.#destroyStreams(error));
      stream.on('close', () => {
        if (this.#state === 'writing') this.#destroyStreams();
      });
    }

    this.#upload = new Upload({
      client,
      // No Content-Encoding for gzip: clients would decompress on download and break the ".gz" contract.
      params: { Bucket: target.bucket, Key: target.key, Body: this.#body, ContentType: target.contentType },
      partSize: target.partSizeBytes,
    });
    this.#done = this.#upload.done().then(
      () => undefined,
      (error: unknown) => {
        this.#fail(toS3WriteError(error, target));
        throw this.#failure;
      },
    );
    // Failures surface through write()/finish(); until one of them runs nobody awaits #done.
    this.#settled = this.#done.catch(() => undefined);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.#failed) throw this.#failure;
    if (this.#state !== 'writing') throw new Error(`write to ${this.#target.key} after it was finished or aborted`);
    if (this.#head.destroyed) return this.#rejectWithUploadError();
    // Backpressure: lib-storage holds at most a few parts in memory, so waiting here keeps memory flat.
    if (this.#head.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const release = (): void => {
        for (const event of ['drain', 'close', 'error']) this.#head.off(event, release);
        resolve();
      };
      for (const event of ['drain', 'close', 'error']) this.#head.on(event, release);
    });
    if (this.#head.destroyed) return this.#rejectWithUploadError();
  }

  /** Ends the object and waits until S3 has it; resolves with the uploaded (compressed) byte count. */
  async finish(): Promise<{ bytes: number }> {
    if (this.#failed) throw this.#failure;
    if (this.#state !== 'writing') throw new Error(`finish of ${this.#target.key} after it was finished or aborted`);
    this.#state = 'finishing';
    this.#head.end();
    await this.#done;
    this.#state = 'finished';
    return { bytes: this.#bytes };
  }

  /**
   * Stops the upload; no object appears. Once `finish()` has handed the last part to S3 the request
   * cannot be recalled (lib-storage sends it without an abort signal), so a late abort may lose that race.
   * AbortMultipartUpload errors (s3rver answers 405) are swallowed: they cannot make an object visible.
   */
  async abort(reason?: unknown): Promise<void> {
    if (this.#state === 'finished' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    this.#fail(abortError(this.#target, reason));
    // Same tick as the destroy above, so the upload settles as aborted rather than as a stream error.
    await this.#upload.abort().catch(() => undefined);
    await this.#done.catch(() => undefined);
  }

  /** Once the streams are gone the upload must settle; its error is the one worth reporting. */
  async #rejectWithUploadError(): Promise<never> {
    await this.#settled;
    throw this.#failed ? this.#failure : new Error(`the upload stream of ${this.#target.key} closed unexpectedly`);
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#failure = error;
    this.#destroyStreams(error instanceof Error ? error : new Error(String(error)));
  }

  #destroyStreams(error?: Error): void {
    this.#head.destroy(error);
    this.#body.destroy(error);
  }
}
