import { defineSink, type SinkInstance } from '@etl/core';
import { checkS3KeyCollisions } from './key-collisions.js';
import { checkS3SinkOptions, s3SinkOptionsSchema, type S3SinkOptions } from './options.js';

/**
 * Writes each task's records as NDJSON (optionally gzip) objects to S3 or an S3-compatible store,
 * published at commit, and a manifest per run listing every committed object.
 */
export const s3Sink = defineSink({
  name: 's3.ndjson',
  options: s3SinkOptionsSchema,
  check: checkS3SinkOptions,
  // Two tasks rendering one key, found from the static partitions before anything is written.
  checkPlan: checkS3KeyCollisions,
  // Only a run creates instances: the instance module brings @aws-sdk/client-s3 (~0.25 s to import),
  // which `etl validate` and `etl list` never need.
  create: async (options: S3SinkOptions): Promise<SinkInstance<unknown>> => (await import('./s3-sink-instance.js')).createS3Sink(options),
});
