import type { SourceInstance } from '@etl/core';
import { ContractError, KitUsageError } from './contract-error.js';
import { fetchOne } from './source-calls.js';

export interface PagingCheckOptions<R> {
  /** Pages after which paging counts as endless. Default 1000. */
  readonly maxPages?: number;
  /** Identity of a record for the duplicate check. Default: its JSON. */
  readonly recordKey?: (record: R) => string;
}

export interface PagingResult<R> {
  readonly pages: number;
  readonly records: readonly R[];
}

/**
 * Pages one partition the way the core does (stop on a missing cursor or an empty page) and checks the
 * contracts "paging terminates", "cursor advances" (no cursor ever comes back) and "no duplicate records".
 */
export async function checkPaging<R>(source: SourceInstance<R>, partition: string, options: PagingCheckOptions<R> = {}): Promise<PagingResult<R>> {
  const maxPages = options.maxPages ?? 1000;
  const keyOf = options.recordKey ?? ((record: R) => JSON.stringify(record));
  const cursorPage = new Map<string, number>();
  const recordPage = new Map<string, number>();
  const records: R[] = [];
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    if (page > maxPages) throw new ContractError('paging terminates', `partition ${JSON.stringify(partition)} still returned a cursor after ${maxPages} pages`);
    const result = await fetchOne(source, partition, cursor);
    for (const record of result.records) {
      const key = keyOf(record);
      const earlier = recordPage.get(key);
      if (earlier !== undefined) {
        throw new ContractError('no duplicate records', `page ${page} of partition ${JSON.stringify(partition)} returned record ${key} already returned by page ${earlier}`);
      }
      recordPage.set(key, page);
      records.push(record);
    }
    const next = result.cursor;
    if (next === undefined || next === '' || result.records.length === 0) return { pages: page, records };
    if (next === cursor) throw new ContractError('cursor advances', `page ${page} returned the cursor it was given (${JSON.stringify(next)})`);
    const seen = cursorPage.get(next);
    if (seen !== undefined) throw new ContractError('cursor advances', `page ${page} returned cursor ${JSON.stringify(next)}, already returned by page ${seen}`);
    cursorPage.set(next, page);
    cursor = next;
  }
}

/** Pages every partition; the partitions together must span at least two pages, or the cursor is never exercised. */
export async function checkPartitionsPaging<R>(source: SourceInstance<R>, partitions: readonly string[], options: PagingCheckOptions<R> = {}): Promise<readonly PagingResult<R>[]> {
  const results: PagingResult<R>[] = [];
  for (const partition of partitions) results.push(await checkPaging(source, partition, options));
  if (!results.some((r) => r.pages >= 2)) {
    throw new KitUsageError('no partition returned more than one page, so paging was never exercised; give one with several pages (e.g. a small page size)');
  }
  return results;
}
