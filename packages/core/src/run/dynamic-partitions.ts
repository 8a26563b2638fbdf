import type { ResolvedPipeline } from '../config/resolved-config.js';
import { EtlError } from '../errors/etl-error.js';

/**
 * Collects, for each pipeline fed by one upstream task, the partition keys its `select` returns over the
 * task's records: first-seen order, no repeats. A select that returns something other than strings fails
 * the upstream task, since the downstream pipeline could not be planned from it.
 */
export class PartitionKeyCollector {
  private readonly keys = new Map<string, Set<string>>();

  constructor(private readonly downstream: readonly ResolvedPipeline[]) {
    for (const pipeline of downstream) this.keys.set(pipeline.name, new Set());
  }

  /** Restores keys collected before a checkpoint, when a task resumes. */
  seed(emitted: Readonly<Record<string, readonly string[]>> | undefined): void {
    for (const [pipeline, keys] of Object.entries(emitted ?? {})) for (const key of keys) this.keys.get(pipeline)?.add(key);
  }

  add(records: readonly unknown[]): void {
    for (const pipeline of this.downstream) {
      const select = pipeline.partitionsFrom?.select;
      const keys = this.keys.get(pipeline.name);
      if (!select || !keys) continue;
      for (const record of records) {
        const selected = select(record);
        for (const key of selected === undefined ? [] : typeof selected === 'string' ? [selected] : selected) {
          if (typeof key !== 'string' || key.length === 0) {
            throw new EtlError('PARTITION_SELECT_INVALID', `the fromPipeline select of pipeline '${pipeline.name}' returned ${JSON.stringify(key)}; expected a non-empty string, an array of them, or undefined`);
          }
          keys.add(key);
        }
      }
    }
  }

  get collected(): Record<string, string[]> {
    return Object.fromEntries([...this.keys].map(([pipeline, keys]) => [pipeline, [...keys]]));
  }
}

/** The pipelines that take their partitions from `pipeline`. */
export function downstreamOf(pipelines: readonly ResolvedPipeline[], pipeline: string): ResolvedPipeline[] {
  return pipelines.filter((p) => p.partitionsFrom?.pipeline === pipeline);
}
