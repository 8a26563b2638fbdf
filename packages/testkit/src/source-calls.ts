import type { SourceInstance, SourcePage } from '@etl/core';

/** One `fetchPage` call as the core makes it, for the kit's checks. */
export function fetchOne<R>(source: SourceInstance<R>, partition: string, cursor: string | undefined, signal: AbortSignal = new AbortController().signal): Promise<SourcePage<R>> {
  return source.fetchPage({ pipeline: 'kit', partition, resolved: undefined, cursor, signal, report: () => undefined });
}

/** Resolves after `ms` (and lets the process exit meanwhile). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
