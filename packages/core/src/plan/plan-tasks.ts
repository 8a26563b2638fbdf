import { closest } from 'fastest-levenshtein';
import type { ResolvedConfig, ResolvedPipeline } from '../config/resolved-config.js';
import { UsageError } from '../errors/usage-error.js';
import type { TaskRef } from '../events/run-events.js';

export interface PlannedTask extends TaskRef {
  readonly group: string | undefined;
  readonly pipelineConfig: ResolvedPipeline;
}

export interface TaskSelection {
  /** Only these pipelines (all when empty). */
  readonly pipelines?: readonly string[] | undefined;
  /** Only these partitions, in whichever selected pipelines have them (all when empty). */
  readonly partitions?: readonly string[] | undefined;
}

/** One task per pipeline x partition, in config order, narrowed by the selection. */
export function planTasks(config: ResolvedConfig, selection: TaskSelection = {}): PlannedTask[] {
  const names = config.pipelines.map((p) => p.name);
  for (const wanted of selection.pipelines ?? []) {
    if (!names.includes(wanted)) {
      throw new UsageError(`unknown pipeline '${wanted}' (did you mean '${closest(wanted, names)}'?); pipelines in ${config.file}: ${names.join(', ')}`);
    }
  }
  const pipelines = selection.pipelines?.length
    ? config.pipelines.filter((p) => selection.pipelines?.includes(p.name))
    : config.pipelines;
  const wantedPartitions = selection.partitions?.length ? new Set(selection.partitions) : undefined;

  const tasks: PlannedTask[] = [];
  for (const pipeline of pipelines) {
    for (const partition of pipeline.partitions) {
      if (wantedPartitions && !wantedPartitions.has(partition)) continue;
      tasks.push({ taskId: `${pipeline.name}/${partition}`, pipeline: pipeline.name, partition, group: pipeline.group, pipelineConfig: pipeline });
    }
  }
  for (const partition of wantedPartitions ?? []) {
    if (!tasks.some((t) => t.partition === partition)) {
      throw new UsageError(`partition '${partition}' is not in ${selection.pipelines?.length ? 'the selected pipelines' : 'any pipeline'} of ${config.file}`);
    }
  }
  return tasks;
}
