import type { SinkRunReport, SinkTaskReport } from '@etl/core';
import type { Compression } from './options.js';

export const RUN_MANIFEST_VERSION = 1;

/** One object a task committed in the run. */
export interface RunManifestObject {
  readonly pipeline: string;
  readonly partition: string;
  readonly key: string;
  /** `s3://bucket/key` */
  readonly url: string;
  readonly records: number;
  /** Stored bytes (after compression). */
  readonly bytes: number;
}

/** One task of the run, whatever became of it; only succeeded tasks have objects. */
export interface RunManifestTask {
  readonly pipeline: string;
  readonly partition: string;
  readonly status: SinkTaskReport['status'];
  /** Records the source delivered (for a failed task: before it failed; none of them is listed). */
  readonly records: number;
  readonly objects: number;
}

/**
 * What a run wrote through one sink, written after every task has settled. A reader trusts `objects`
 * only, and only when `status` is `succeeded`.
 */
export interface RunManifest {
  readonly manifestVersion: typeof RUN_MANIFEST_VERSION;
  readonly runId: string;
  /** Over this manifest's tasks: `failed` if any failed, else `aborted` if any was aborted, else `succeeded` (skipped tasks do not count). */
  readonly status: 'succeeded' | 'failed' | 'aborted';
  /** The status of the whole run, which may include other sinks' tasks. */
  readonly runStatus: SinkRunReport['status'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly bucket: string;
  readonly format: 'ndjson';
  readonly compression: Compression;
  readonly totals: { readonly tasks: number; readonly objects: number; readonly records: number; readonly bytes: number };
  /** Every object committed in this run, by task (in run order), then part number. */
  readonly objects: readonly RunManifestObject[];
  readonly tasks: readonly RunManifestTask[];
}

export interface RunManifestContext {
  readonly bucket: string;
  readonly compression: Compression;
}

function statusOf(tasks: readonly SinkTaskReport[]): RunManifest['status'] {
  if (tasks.some((task) => task.status === 'failed')) return 'failed';
  if (tasks.some((task) => task.status === 'aborted')) return 'aborted';
  return 'succeeded';
}

export function buildRunManifest(report: SinkRunReport, context: RunManifestContext): RunManifest {
  const prefix = `s3://${context.bucket}/`;
  const objects: RunManifestObject[] = [];
  const tasks: RunManifestTask[] = [];
  for (const task of report.tasks) {
    // The core reports outputs only for committed tasks; the status check keeps that a rule here too.
    const committed = task.status === 'succeeded' ? task.outputs : [];
    for (const output of committed) {
      const key = output.location.startsWith(prefix) ? output.location.slice(prefix.length) : output.location;
      objects.push({ pipeline: task.pipeline, partition: task.partition, key, url: output.location, records: output.records, bytes: output.bytes ?? 0 });
    }
    tasks.push({ pipeline: task.pipeline, partition: task.partition, status: task.status, records: task.records, objects: committed.length });
  }
  return {
    manifestVersion: RUN_MANIFEST_VERSION,
    runId: report.runId,
    status: statusOf(report.tasks),
    runStatus: report.status,
    startedAt: report.startedAt.toISOString(),
    finishedAt: report.finishedAt.toISOString(),
    bucket: context.bucket,
    format: 'ndjson',
    compression: context.compression,
    totals: {
      tasks: tasks.length,
      objects: objects.length,
      records: objects.reduce((sum, o) => sum + o.records, 0),
      bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
    },
    objects,
    tasks,
  };
}
