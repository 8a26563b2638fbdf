import type { ResolvedConfig } from '@etl/core/host';

/**
 * The queues a config needs, with the global concurrency of each: one per concurrency group used by a
 * pipeline at its group limit, plus one for pipelines in no group (limited only by the global limit).
 */
export function groupLimits(config: ResolvedConfig): { readonly group: string | undefined; readonly limit: number }[] {
  const groups = new Set(config.pipelines.map((p) => p.group));
  return [...groups].map((group) => ({
    group,
    limit: Math.min(config.concurrency.limit, group === undefined ? Infinity : (config.concurrency.groups.get(group) ?? Infinity)),
  }));
}
