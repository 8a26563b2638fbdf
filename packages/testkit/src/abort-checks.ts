import { isAbortError, type SourceInstance } from '@etl/core';
import { ContractError, describeError, KitUsageError } from './contract-error.js';
import { fetchOne, sleep } from './source-calls.js';

export interface AbortCheckOptions {
  readonly partition: string;
  readonly cursor?: string;
  /** When to abort, after the call started. Default 100 ms. */
  readonly afterMs?: number;
  /** How soon after the abort the call must have rejected. Default 1000 ms. */
  readonly withinMs?: number;
}

type Outcome = { readonly settled: 'resolved' } | { readonly settled: 'rejected'; readonly error: unknown };

/**
 * Contract "abort stops fetchPage": a slow call (the options must make it slow) rejects as an abort soon
 * after its signal is aborted, instead of running to its end.
 */
export async function checkAbort<R>(source: SourceInstance<R>, options: AbortCheckOptions): Promise<void> {
  const afterMs = options.afterMs ?? 100;
  const withinMs = options.withinMs ?? 1000;
  const controller = new AbortController();
  const call: Promise<Outcome> = fetchOne(source, options.partition, options.cursor, controller.signal).then(
    (): Outcome => ({ settled: 'resolved' }),
    (error: unknown): Outcome => ({ settled: 'rejected', error }),
  );
  const early = await Promise.race([call, sleep(afterMs).then(() => undefined)]);
  if (early) throw new KitUsageError(`the abort check needs a slow call, but fetchPage ${early.settled} within ${afterMs} ms; give options that make it slower`);
  controller.abort();
  const abortedAt = Date.now();
  const outcome = await Promise.race([call, sleep(withinMs).then(() => undefined)]);
  if (!outcome) throw new ContractError('abort stops fetchPage', `fetchPage was still running ${withinMs} ms after its signal was aborted; pass the signal to every network call`);
  if (outcome.settled === 'resolved') throw new ContractError('abort stops fetchPage', `fetchPage resolved ${Date.now() - abortedAt} ms after the abort instead of rejecting`);
  if (!isAbortError(outcome.error)) {
    throw new ContractError('abort stops fetchPage', `fetchPage rejected with ${describeError(outcome.error)} instead of an abort error`, { cause: outcome.error });
  }
}
