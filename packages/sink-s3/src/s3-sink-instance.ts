import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { EtlError, type SinkInstance, type SinkOutput, type SinkRunReport, type SinkTask, type SinkWriter } from '@etl/core';
import { keyClaims } from './key-claims.js';
import type { S3SinkOptions } from './options.js';
import { resolveS3SinkOptions } from './resolve-options.js';
import { buildRunManifest } from './run-manifest.js';
import { createS3Client } from './s3-client.js';
import { abortError, s3Url, toS3CheckError, toS3WriteError } from './s3-errors.js';
import { S3TaskWriter } from './s3-task-writer.js';
import { describeTask, manifestKey, taskKeys } from './task-keys.js';

/** A live `s3Sink` (see s3-sink.ts): loaded only when a run creates one, as it brings the AWS SDK. */
export function createS3Sink(options: S3SinkOptions): SinkInstance<unknown> {
  const resolved = resolveS3SinkOptions(options);
  const client = createS3Client(resolved.client);
  const { bucket, endpoint } = resolved.object;
  const store = `${endpoint ?? 'aws'}|${bucket}`;
  const instance = {};

  /** Fails the task (not the run) when another writer of the same run already owns the key. */
  const claim = (runId: string, key: string, description: string, advice: string): void => {
    const holder = keyClaims.claim(runId, `${store}|${key}`, instance, description);
    if (holder !== undefined) {
      throw new EtlError('S3_KEY_CONFLICT', `${description} would write ${s3Url({ bucket, key })}, which ${holder} already writes in this run: ${advice}`);
    }
  };
  const manifestTemplate = resolved.manifest;
  const manifestKeyOf = (runId: string, runStartedAt: Date): string | undefined =>
    manifestTemplate === undefined ? undefined : manifestKey(manifestTemplate, runId, runStartedAt);
  const manifestAdvice = 'give each s3Sink its own `manifest` key, or use one s3Sink value for these pipelines';

  return {
    /**
     * HeadBucket, with the sink's own client (its retry settings): the bucket exists and these credentials
     * reach it. A writer allowed only s3:PutObject is denied HeadBucket (it needs s3:ListBucket) yet writes
     * fine, so a denial leaves the bucket unverified instead of failing the run.
     */
    async check(context) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), context.signal ? { abortSignal: context.signal } : {});
        return undefined;
      } catch (error) {
        const failure = toS3CheckError(error, { bucket, endpoint });
        if (failure instanceof EtlError && failure.code === 'S3_ACCESS_DENIED') {
          return { unverified: `s3://${bucket}: HeadBucket was denied (it needs s3:ListBucket), so the bucket was not checked; writes need only s3:PutObject and go ahead` };
        }
        throw failure;
      }
    },

    async open(task: SinkTask): Promise<SinkWriter<unknown>> {
      const keys = taskKeys(resolved, task);
      const dataKey = keys.rollover ? keys.keys.key(1) : keys.key;
      claim(task.runId, keys.rollover ? keys.keys.base : keys.key, describeTask(task), 'add {pipeline} (or {partition}) to the key template');
      const manifest = manifestKeyOf(task.runId, task.runStartedAt);
      if (manifest !== undefined) claim(task.runId, manifest, 'the manifest of another s3Sink', manifestAdvice);
      if (task.signal.aborted) throw abortError({ bucket, key: dataKey }, task.signal.reason);
      const writer = new S3TaskWriter({
        client,
        object: resolved.object,
        keys,
        compression: resolved.compression,
        partSizeBytes: resolved.partSizeBytes,
        uploadConcurrency: resolved.uploadConcurrency,
        signal: task.signal,
        resumed: task.resume?.outputs,
      });
      // Checkpoints need part objects; without rollover the core sees a writer without them.
      return keys.rollover
        ? writer
        : { write: (r) => writer.write(r), commit: () => writer.commit(), abort: (reason) => writer.abort(reason) };
    },

    async finishRun(report: SinkRunReport): Promise<readonly SinkOutput[]> {
      const key = manifestKeyOf(report.runId, report.startedAt);
      if (key === undefined) return [];
      claim(report.runId, key, 'the manifest of another s3Sink', manifestAdvice);
      const manifest = buildRunManifest(report, { bucket, compression: resolved.compression });
      const body = Buffer.from(`${JSON.stringify(manifest)}\n`, 'utf8');
      await client
        .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentType: 'application/json' }))
        .catch((error: unknown) => {
          throw toS3WriteError(error, { bucket, key, operation: 'PutObject (run manifest)', endpoint });
        });
      return [{ location: s3Url({ bucket, key }), records: manifest.totals.records, bytes: body.length }];
    },

    async close(): Promise<void> {
      keyClaims.release(instance);
      client.destroy();
    },
  };
}
