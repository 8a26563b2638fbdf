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
  const inFull = feedersRunInFull(config, selection);

  const tasks: PlannedTask[] = [];
  for (const pipeline of pipelines) {
    for (const partition of pipeline.partitions) {
      if (wantedPartitions && !wantedPartitions.has(partition) && !inFull.has(pipeline.name)) continue;
      tasks.push(taskFor(pipeline, partition));
    }
  }
  const anyDynamic = pipelines.some((p) => p.partitionsFrom !== undefined);
  for (const partition of anyDynamic ? [] : (wantedPartitions ?? [])) {
    if (!tasks.some((t) => t.partition === partition)) {
      const known = [...new Set(pipelines.flatMap((p) => p.partitions))];
      throw new UsageError(`no such partition '${partition}' in ${selection.pipelines?.length ? 'the selected pipelines' : 'any pipeline'} of ${config.file}${suggestPartition(partition, known)}`);
    }
  }
  return tasks;
}

/** ` (did you mean 'x'?)`, or nothing when there is nothing to suggest. */
export function suggestPartition(partition: string, known: readonly string[]): string {
  return known.length > 0 ? ` (did you mean '${closest(partition, [...known])}'?)` : '';
}

/**
 * The pipelines that must run all their partitions whatever the partition selection: those feeding a
 * selected `fromPipeline` pipeline, when some selected partition is none of the static ones (so it can
 * only be a partition the upstream gives). `--partition <did>` then runs the upstream, and only that
 * partition downstream.
 */
export function feedersRunInFull(config: ResolvedConfig, selection: TaskSelection = {}): Set<string> {
  const wanted = selection.partitions ?? [];
  if (wanted.length === 0) return new Set();
  const pipelines = selectedPipelines(config, selection);
  const staticKeys = new Set(pipelines.filter((p) => p.partitionsFrom === undefined).flatMap((p) => p.partitions));
  if (wanted.every((p) => staticKeys.has(p))) return new Set();
  return new Set(pipelines.flatMap((p) => (p.partitionsFrom ? [p.partitionsFrom.pipeline] : [])));
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
