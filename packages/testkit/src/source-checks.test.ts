import { describe, expect, it } from 'vitest';
import { checkAbort } from './abort-checks.js';
import { checkErrorCase } from './error-checks.js';
import { checkPaging, checkPartitionsPaging } from './paging-checks.js';
import { toySource, type ToyFlaw } from './test-support/toy-sources.js';

const create = (flaw: ToyFlaw, count = 10) => toySource(flaw).definition.create({ count });

describe('paging checks', () => {
  it('pass a correct source and return every record', async () => {
    const result = await checkPaging(await create('none'), 'a');
    expect(result.pages).toBe(4);
    expect(result.records).toHaveLength(10);
  });

  it('"cursor advances" breaks when a page hands back its own cursor', async () => {
    await expect(checkPaging(await create('cursor-repeats'), 'a')).rejects.toThrow('contract "cursor advances" broken: page 3 returned the cursor it was given ("6")');
  });

  it('"cursor advances" breaks when an earlier cursor comes back', async () => {
    await expect(checkPaging(await create('cursor-returns'), 'a')).rejects.toThrow('contract "cursor advances" broken: page 3 returned cursor "3", already returned by page 1');
  });

  it('"no duplicate records" breaks on overlapping pages, by the record key', async () => {
    await expect(checkPaging(await create('duplicates'), 'a')).rejects.toThrow('contract "no duplicate records" broken: page 3 of partition "a" returned record {"partition":"a","n":5} already returned by page 2');
    const byN = (record: { n: number }) => String(record.n);
    await expect(checkPaging(await create('duplicates'), 'a', { recordKey: byN })).rejects.toThrow('returned record 5 already returned by page 2');
  });

  it('"paging terminates" breaks on a source that never stops', async () => {
    await expect(checkPaging(await create('endless'), 'a', { maxPages: 50 })).rejects.toThrow('contract "paging terminates" broken: partition "a" still returned a cursor after 50 pages');
  });

  it('refuses to pass when no partition has a second page', async () => {
    await expect(checkPartitionsPaging(await create('none', 2), ['a'])).rejects.toThrow('@etl/testkit: no partition returned more than one page');
  });
});

describe('error classification check', () => {
  it('passes when isRetryable agrees with the declared cases', async () => {
    const source = await create('none');
    await checkErrorCase(source, { name: '400', partition: 'bad', retryable: false });
    await checkErrorCase(source, { name: '503', partition: 'flaky', retryable: true });
  });

  it('breaks when a permanent error is classified retryable, or the call does not fail', async () => {
    await expect(checkErrorCase(await create('all-retryable'), { name: 'bad request', partition: 'bad', retryable: false }))
      .rejects.toThrow('contract "errors classified" broken: case "bad request": isRetryable returned true for Error: GET https://api.test/items failed with 400, expected false');
    await expect(checkErrorCase(await create('none'), { name: 'ok', partition: 'a', retryable: true })).rejects.toThrow('case "ok": fetchPage succeeded, expected it to fail');
  });
});

describe('abort check', () => {
  it('passes a source that honours the signal', async () => {
    await checkAbort(await create('none'), { partition: 'slow', afterMs: 20 });
  });

  it('breaks on a source that ignores the signal', async () => {
    await expect(checkAbort(await create('ignores-signal'), { partition: 'slow', afterMs: 20, withinMs: 200 }))
      .rejects.toThrow('contract "abort stops fetchPage" broken: fetchPage was still running 200 ms after its signal was aborted');
  });

  it('refuses a call too fast to abort', async () => {
    await expect(checkAbort(await create('none'), { partition: 'a' })).rejects.toThrow('the abort check needs a slow call');
  });
});
