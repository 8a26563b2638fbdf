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
  const pipelines = selectedPipelines(config, selection);
  const wantedPartitions = selection.partitions?.length ? new Set(selection.partitions) : undefined;

  const tasks: PlannedTask[] = [];
  for (const pipeline of pipelines) {
    for (const partition of pipeline.partitions) {
      if (wantedPartitions && !wantedPartitions.has(partition)) continue;
      tasks.push(taskFor(pipeline, partition));
    }
  }
  const anyDynamic = pipelines.some((p) => p.partitionsFrom !== undefined);
  for (const partition of anyDynamic ? [] : (wantedPartitions ?? [])) {
    if (!tasks.some((t) => t.partition === partition)) {
      throw new UsageError(`partition '${partition}' is not in ${selection.pipelines?.length ? 'the selected pipelines' : 'any pipeline'} of ${config.file}`);
    }
  }
  return tasks;
}

export function taskFor(pipeline: ResolvedPipeline, partition: string): PlannedTask {
  return { taskId: `${pipeline.name}/${partition}`, pipeline: pipeline.name, partition, group: pipeline.group, pipelineConfig: pipeline };
}

/**
 * The pipelines a selection runs, in config order: those named (all when none), plus every pipeline they
 * take their partitions from, since a downstream pipeline cannot run without its upstream.
 */
export function selectedPipelines(config: ResolvedConfig, selection: TaskSelection = {}): ResolvedPipeline[] {
  if (!selection.pipelines?.length) return [...config.pipelines];
  const wanted = new Set(selection.pipelines);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of config.pipelines) {
      const from = p.partitionsFrom?.pipeline;
      if (wanted.has(p.name) && from !== undefined && !wanted.has(from)) {
        wanted.add(from);
        grew = true;
      }
    }
  }
  return config.pipelines.filter((p) => wanted.has(p.name));
}
