import type { S3Client } from '@aws-sdk/client-s3';
import type { SinkCommitResult, SinkOutput, SinkWriter } from '@etl/core';
import { encodeNdjsonLine } from './ndjson-encoder.js';
import type { Compression } from './options.js';
import type { PartKeys } from './part-keys.js';
import { PartPool } from './part-pool.js';
import { startsNewPart, type RolloverLimits } from './rollover.js';
import { abortError, s3Url } from './s3-errors.js';
import type { S3ObjectSpec } from './s3-object-spec.js';
import { S3ObjectWriter } from './s3-object-writer.js';
import { deleteStaleParts } from './stale-parts.js';
import { UploadQueue } from './upload-queue.js';

/** Where a task's objects go: one key, or numbered part keys with the limits that roll them over. */
export type TaskKeys =
  | { readonly rollover: false; readonly key: string }
  | { readonly rollover: true; readonly keys: PartKeys; readonly limits: RolloverLimits };

export interface S3TaskWriterOptions {
  readonly client: S3Client;
  /** Everything about the objects but their keys. */
  readonly object: Omit<S3ObjectSpec, 'key'>;
  readonly keys: TaskKeys;
  readonly compression: Compression;
  readonly partSizeBytes: number;
  /** Part uploads in flight per task. */
  readonly uploadConcurrency: number;
  /** The task's signal: when it fires, the writer aborts. */
  readonly signal: AbortSignal;
  /** A task resuming from a checkpoint: the part objects committed before (numbering continues after them). */
  readonly resumed?: readonly SinkOutput[] | undefined;
}

type State = 'writing' | 'committing' | 'committed' | 'aborted';

/**
 * Writes one task's records as NDJSON objects and publishes them only in `commit()`.
 *
 * Records stream through the current object's writer (gzip, fixed-size parts uploaded into a multipart
 * upload that stays open). With rollover, a record that would exceed a limit starts the next part object;
 * the previous one is sealed (its last bytes uploaded) but not completed. `commit()` completes every
 * object in part order, then deletes higher-numbered parts an earlier run left behind. `abort()` aborts
 * every multipart upload: nothing of this task becomes visible.
 */
export class S3TaskWriter implements SinkWriter<unknown> {
  readonly #options: S3TaskWriterOptions;
  readonly #objects: S3ObjectWriter[] = [];
  /** Objects completed by checkpoints (a prefix of #objects). */
  #completed = 0;
  readonly #resumed: readonly SinkOutput[];
  readonly #queue: UploadQueue;
  readonly #parts: PartPool;
  // Ours, so that abort() cancels in-flight requests even when the task's signal has not fired.
  readonly #controller = new AbortController();
  readonly #signal: AbortSignal;
  readonly #onTaskAbort = (): void => void this.abort(this.#options.signal.reason);
  #current: S3ObjectWriter;
  #state: State = 'writing';
  #abortError: Error | undefined;

  constructor(options: S3TaskWriterOptions) {
    this.#options = options;
    this.#resumed = options.resumed ?? [];
    this.#queue = new UploadQueue(options.uploadConcurrency);
    this.#parts = new PartPool(options.partSizeBytes);
    this.#signal = AbortSignal.any([options.signal, this.#controller.signal]);
    this.#current = this.#openObject();
    options.signal.addEventListener('abort', this.#onTaskAbort, { once: true });
  }

  async write(records: readonly unknown[]): Promise<void> {
    this.#assertWriting('write');
    const { keys } = this.#options;
    try {
      let batch = '';
      let batchRecords = 0;
      let batchBytes = 0;
      for (const [index, record] of records.entries()) {
        const line = encodeNdjsonLine(record, index);
        if (keys.rollover) {
          const lineBytes = Buffer.byteLength(line, 'utf8');
          const fill = { records: this.#current.records + batchRecords, bytes: this.#current.rawBytes + batchBytes };
          if (startsNewPart(keys.limits, fill, lineBytes)) {
            await this.#current.write(Buffer.from(batch, 'utf8'), batchRecords);
            batch = '';
            batchRecords = 0;
            batchBytes = 0;
            await this.#current.seal(false);
            this.#assertWriting('write');
            this.#current = this.#openObject();
          }
          batchBytes += lineBytes;
        }
        batch += line;
        batchRecords += 1;
      }
      await this.#current.write(Buffer.from(batch, 'utf8'), batchRecords);
    } catch (error) {
      throw this.#abortError ?? error;
    }
  }

  /**
   * With rollover only (the parts are what makes a task resumable): completes every part object written so
   * far, so they are durable (and visible: the run manifest stays the source of truth), and continues in
   * the next part. After a crash the core resumes the task after this point, with the next part number,
   * so a re-written part lands on the same key.
   */
  async checkpoint(): Promise<SinkCommitResult> {
    this.#assertWriting('checkpoint');
    if (!this.#options.keys.rollover) throw new Error('checkpoints need rollover (part objects); set `rollover` on the s3Sink');
    try {
      const sealCurrent = this.#current.records > 0;
      if (sealCurrent) await this.#current.seal(true);
      await this.#queue.drain();
      const upTo = sealCurrent ? this.#objects.length : this.#objects.length - 1;
      for (; this.#completed < upTo; this.#completed++) {
        if (this.#abortError) throw this.#abortError;
        await (this.#objects[this.#completed] as S3ObjectWriter).complete();
      }
      if (sealCurrent) this.#current = this.#openObject();
      return { outputs: this.#outputs(this.#completed) };
    } catch (error) {
      throw this.#abortError ?? error;
    }
  }

  async commit(): Promise<SinkCommitResult> {
    this.#assertWriting('commit');
    this.#state = 'committing';
    try {
      // After a checkpoint (in this process or before a resume) an empty last part adds nothing: drop it.
      const dropEmptyTail = (this.#resumed.length > 0 || this.#completed > 0) && this.#current.records === 0 && this.#objects.length - this.#completed === 1;
      if (dropEmptyTail) await this.#current.abort();
      else await this.#current.seal(true);
      await this.#queue.drain();
      const total = dropEmptyTail ? this.#objects.length - 1 : this.#objects.length;
      // One at a time, in part order: a reader during commit sees a prefix of the new parts.
      for (; this.#completed < total; this.#completed++) {
        if (this.#abortError) throw this.#abortError;
        await (this.#objects[this.#completed] as S3ObjectWriter).complete();
      }
      const { keys, client, object } = this.#options;
      if (keys.rollover) {
        const keep = this.#resumed.length + total;
        await deleteStaleParts({ client, bucket: object.bucket, keys: keys.keys, keep, signal: this.#signal, endpoint: object.endpoint });
      }
      this.#state = 'committed';
      return { outputs: this.#outputs(total) };
    } catch (error) {
      throw this.#abortError ?? error;
    } finally {
      this.#options.signal.removeEventListener('abort', this.#onTaskAbort);
    }
  }

  /**
   * Aborts every multipart upload of the task; nothing it wrote becomes visible. Objects a failed
   * `commit()` already completed stay (S3 cannot take them back); the run manifest does not list them.
   */
  async abort(reason?: unknown): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    this.#options.signal.removeEventListener('abort', this.#onTaskAbort);
    this.#abortError = abortError(this.#objects[0]?.spec ?? this.#current.spec, reason);
    this.#controller.abort(this.#abortError);
    // Part uploads end quickly once cancelled; aborting the uploads after them leaves no parts behind.
    await this.#queue.settle();
    // Parts completed by checkpoints stay: a resumed task continues after them.
    await Promise.all(this.#objects.slice(this.#completed).map((object) => object.abort()));
  }

  #assertWriting(operation: string): void {
    if (this.#abortError) throw this.#abortError;
    if (this.#state !== 'writing') throw new Error(`${operation} of ${s3Url(this.#current.spec)} after commit`);
  }

  #outputs(count: number): SinkOutput[] {
    return [...this.#resumed, ...this.#objects.slice(0, count).map((o): SinkOutput => ({ location: s3Url(o.spec), records: o.records, bytes: o.bytes }))];
  }

  #openObject(): S3ObjectWriter {
    const { keys, client, object, compression, partSizeBytes } = this.#options;
    const key = keys.rollover ? keys.keys.key(this.#resumed.length + this.#objects.length + 1) : keys.key;
    const writer = new S3ObjectWriter(client, { ...object, key }, { compression, partSizeBytes, queue: this.#queue, parts: this.#parts, signal: this.#signal });
    this.#objects.push(writer);
    return writer;
  }
}
