import { createRequire } from 'node:module';
import type * as Cockatiel from 'cockatiel';
import type { BulkheadPolicy, IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';

// Required, not imported: cockatiel is CommonJS, and an ESM import makes Node scan its 29 modules for named
// exports at start-up, ~70 ms of every `etl validate` that never runs a policy (packages/bench startup).
const { bulkhead, ConstantBackoff, ExponentialBackoff, handleWhen, retry } = createRequire(import.meta.url)('cockatiel') as typeof Cockatiel;
import type { ResolvedBackoff, ResolvedPolicy } from '../config/resolved-config.js';
import { isAbortError } from '../errors/etl-error.js';
import { isPartitionSkipped } from '../errors/partition-skipped.js';

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
 * What every call of one source instance passes through before its retry policy: in a local run the
 * instance's Cockatiel bulkhead; on queue workers a lease held in Redis, so the limit holds across machines.
 */
export interface SourceCallGate {
  execute<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T>;
}

/** The policy of one task's source calls, as `wrap(gate, retry)` would build it. */
export interface TaskCallPolicy {
  execute<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T>;
}

export interface SourceClassifier {
  isRetryable(error: unknown): boolean;
  /** Lets the source stretch or shorten one wait (e.g. until a rate limit resets). */
  retryDelayMs?: ((error: unknown, policyDelayMs: number) => number) | undefined;
}

/**
 * The policy every source call of one task goes through: the shared gate (bulkhead) around a retry, as
 * `wrap(bulkhead, retry)`: a call waiting out its backoff keeps its slot, so retries never add calls in
 * flight. `attempts` counts calls in all, so cockatiel's `maxAttempts` (retries) is one less.
 */
export function taskCallPolicy(
  shared: SourceCallGate,
  policy: ResolvedPolicy,
  source: SourceClassifier,
  onRetry: (notice: RetryNotice) => void,
): TaskCallPolicy {
  const backoff = backoffFactory(policy.backoff);
  const retryPolicy = retry(
    handleWhen((error) => !isAbortError(error) && !isPartitionSkipped(error) && source.isRetryable(error)),
    { maxAttempts: policy.attempts - 1, backoff: source.retryDelayMs ? new SourceAdjustedBackoff(backoff, source.retryDelayMs) : backoff },
  );
  retryPolicy.onRetry((event) => {
    onRetry({ attempt: event.attempt, delayMs: event.delay, error: 'error' in event ? event.error : event.value });
  });
  return { execute: (fn, signal) => shared.execute(() => retryPolicy.execute(() => fn(), signal), signal) };
}

type BackoffContext = IRetryBackoffContext<unknown>;

/** The policy's backoff, with each wait passed through the source's `retryDelayMs`. */
class SourceAdjustedBackoff implements IBackoffFactory<BackoffContext> {
  constructor(
    private readonly inner: IBackoffFactory<BackoffContext>,
    private readonly adjust: (error: unknown, policyDelayMs: number) => number,
  ) {}

  next(context: BackoffContext): IBackoff<BackoffContext> {
    const step = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const duration = Math.max(0, this.adjust(error, step.duration));
    return { duration, next: (ctx) => new SourceAdjustedBackoff(step, this.adjust).next(ctx) };
  }
}

function backoffFactory(backoff: ResolvedBackoff): IBackoffFactory<unknown> {
  if (backoff.kind === 'constant') return new ConstantBackoff(backoff.delayMs);
  return new ExponentialBackoff({ initialDelay: backoff.initialMs, maxDelay: backoff.maxMs });
}
