import { defineSink, EtlError, type SinkCommitResult, type SinkInstance, type SinkTask, type SinkWriter } from '@etl/core';
import { parseKeyTemplate, renderKey, type KeyTemplatePart } from './key-template.js';
import { encodeNdjson } from './ndjson-encoder.js';
import { checkS3SinkOptions, compressionOf, s3SinkOptionsSchema, type S3SinkOptions } from './options.js';
import { createS3Client } from './s3-client.js';
import { abortError, s3Url, type S3ObjectLocation } from './s3-errors.js';
import { S3ObjectWriter, type S3ObjectTarget } from './s3-object-writer.js';

const DEFAULT_CONTENT_TYPE = 'application/x-ndjson';
const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024;

/** Writes one task's records as one NDJSON object; the object appears when commit() resolves. */
class S3NdjsonWriter implements SinkWriter<unknown> {
  readonly #object: S3ObjectWriter;
  readonly #location: S3ObjectLocation;
  readonly #signal: AbortSignal;
  readonly #onAbort = (): void => void this.#object.abort(this.#signal.reason);
  #records = 0;

  constructor(object: S3ObjectWriter, location: S3ObjectLocation, signal: AbortSignal) {
    this.#object = object;
    this.#location = location;
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  async write(records: readonly unknown[]): Promise<void> {
    // Even an empty page goes through, so a write after abort or failure still rejects.
    await this.#object.write(encodeNdjson(records));
    this.#records += records.length;
  }

  async commit(): Promise<SinkCommitResult> {
    try {
      const { bytes } = await this.#object.finish();
      return { outputs: [{ location: s3Url(this.#location), records: this.#records, bytes }] };
    } finally {
      this.#signal.removeEventListener('abort', this.#onAbort);
    }
  }

  async abort(reason?: unknown): Promise<void> {
    this.#signal.removeEventListener('abort', this.#onAbort);
    await this.#object.abort(reason);
  }
}

function renderTaskKey(parts: readonly KeyTemplatePart[], task: SinkTask): string {
  try {
    return renderKey(parts, task);
  } catch (error) {
    // encodeURIComponent throws URIError on lone surrogates; name the task instead of a bare URIError.
    throw new EtlError('S3_KEY_INVALID', `cannot build an S3 key for partition ${JSON.stringify(task.partition)} of pipeline ${JSON.stringify(task.pipeline)}: ${String(error)}`, { cause: error });
  }
}

function createS3Sink(options: S3SinkOptions): SinkInstance<unknown> {
  // The core may not have run check(); a bad template must not reach S3 as a literal key.
  const problems = checkS3SinkOptions(options);
  const parsed = parseKeyTemplate(options.key);
  if (problems.length > 0 || !parsed.ok) {
    throw new EtlError('S3_SINK_OPTIONS_INVALID', `invalid s3.ndjson options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const client = createS3Client(options);
  const base = {
    bucket: options.bucket,
    contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
    gzip: compressionOf(options) === 'gzip',
    partSizeBytes: options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES,
  };

  return {
    async open(task: SinkTask): Promise<SinkWriter<unknown>> {
      const target: S3ObjectTarget = { ...base, key: renderTaskKey(parsed.parts, task) };
      if (task.signal.aborted) throw abortError(target, task.signal.reason);
      return new S3NdjsonWriter(new S3ObjectWriter(client, target), target, task.signal);
    },
    async close(): Promise<void> {
      client.destroy();
    },
  };
}

/** Writes each task's records as one NDJSON object (optionally gzip) to S3 or an S3-compatible store. */
export const s3Sink = defineSink({
  name: 's3.ndjson',
  options: s3SinkOptionsSchema,
  check: checkS3SinkOptions,
  create: createS3Sink,
});
