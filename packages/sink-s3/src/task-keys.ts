import { EtlError, type SinkTask } from '@etl/core';
import { renderKey, type KeyTemplatePart } from './key-template.js';
import { renderPartKeys } from './part-keys.js';
import type { ResolvedS3SinkOptions } from './resolve-options.js';
import type { TaskKeys } from './s3-task-writer.js';

export function describeTask(task: Pick<SinkTask, 'pipeline' | 'partition'>): string {
  return `pipeline ${JSON.stringify(task.pipeline)}, partition ${JSON.stringify(task.partition)}`;
}

/** Runs a key rendering, naming what the key was for when a value cannot be encoded. */
function renderingKey<T>(what: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new EtlError('S3_KEY_INVALID', `cannot build the S3 key of ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The keys a task writes: exactly the rendered key, or with rollover its numbered part keys. */
export function taskKeys(resolved: Pick<ResolvedS3SinkOptions, 'keyTemplate' | 'partKeyTemplate' | 'rollover'>, task: SinkTask): TaskKeys {
  const what = describeTask(task);
  const { partKeyTemplate, rollover } = resolved;
  if (partKeyTemplate === undefined || rollover === undefined) {
    return { rollover: false, key: renderingKey(what, () => renderKey(resolved.keyTemplate, task)) };
  }
  return { rollover: true, keys: renderingKey(what, () => renderPartKeys(partKeyTemplate, task)), limits: rollover };
}

/** The manifest key of a run; a manifest template uses only {runId}, {date} and {hour}. */
export function manifestKey(template: readonly KeyTemplatePart[], runId: string, runStartedAt: Date): string {
  return renderingKey(`the manifest of run ${JSON.stringify(runId)}`, () => renderKey(template, { runId, runStartedAt, pipeline: '', partition: '' }));
}
