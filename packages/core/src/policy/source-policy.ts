import {
  bulkhead,
  ConstantBackoff,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
  type BulkheadPolicy,
  type IBackoffFactory,
  type IPolicy,
} from 'cockatiel';
import type { ResolvedBackoff, ResolvedPolicy } from '../config/resolved-config.js';
import { isAbortError } from '../errors/etl-error.js';

export interface RetryNotice {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/**
 * One bulkhead per source instance: every task sharing the instance queues behind it, so the API never
 * sees more calls in flight than the limit, even while one call waits out its backoff.
 */
export function sourceBulkhead(limit: number): BulkheadPolicy {
  // Cockatiel's default queue is 0 (reject at once); queued tasks are already bounded by the run's limits.
  return bulkhead(limit, Number.MAX_SAFE_INTEGER);
}

/**
 * The policy every source call of one task goes through: the shared bulkhead around a retry, as
 * `wrap(bulkhead, retry)`. `attempts` counts calls in all, so cockatiel's `maxAttempts` (retries) is one less.
 */
export function taskCallPolicy(
  shared: BulkheadPolicy,
  policy: ResolvedPolicy,
  isRetryable: (error: unknown) => boolean,
  onRetry: (notice: RetryNotice) => void,
): IPolicy {
  const retryPolicy = retry(
    handleWhen((error) => !isAbortError(error) && isRetryable(error)),
    { maxAttempts: policy.attempts - 1, backoff: backoffFactory(policy.backoff) },
  );
  retryPolicy.onRetry((event) => {
    onRetry({ attempt: event.attempt, delayMs: event.delay, error: 'error' in event ? event.error : event.value });
  });
  return wrap(shared, retryPolicy);
}

function backoffFactory(backoff: ResolvedBackoff): IBackoffFactory<unknown> {
  if (backoff.kind === 'constant') return new ConstantBackoff(backoff.delayMs);
  return new ExponentialBackoff({ initialDelay: backoff.initialMs, maxDelay: backoff.maxMs });
}
