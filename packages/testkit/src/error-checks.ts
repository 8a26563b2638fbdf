import { isAbortError, type SourceInstance } from '@etl/core';
import { ContractError, describeError } from './contract-error.js';
import { fetchOne } from './source-calls.js';

/** A failure a source can be made to hit, and how it must classify it. */
export interface ErrorCase<O> {
  readonly name: string;
  /** Options for this case (default: the suite's options), e.g. a service URL nothing listens on. */
  readonly options?: O;
  readonly partition: string;
  readonly cursor?: string;
  readonly retryable: boolean;
}

/** Contract "errors classified": the call fails, and `isRetryable` says what the case declares. */
export async function checkErrorCase<R>(source: SourceInstance<R>, errorCase: Pick<ErrorCase<unknown>, 'name' | 'partition' | 'cursor' | 'retryable'>): Promise<void> {
  let failure: { error: unknown } | undefined;
  try {
    await fetchOne(source, errorCase.partition, errorCase.cursor);
  } catch (error) {
    failure = { error };
  }
  if (!failure) throw new ContractError('errors classified', `case "${errorCase.name}": fetchPage succeeded, expected it to fail`);
  const retryable = source.isRetryable ? source.isRetryable(failure.error) : !isAbortError(failure.error);
  if (retryable !== errorCase.retryable) {
    throw new ContractError(
      'errors classified',
      `case "${errorCase.name}": isRetryable returned ${retryable} for ${describeError(failure.error)}, expected ${errorCase.retryable}`,
      { cause: failure.error },
    );
  }
}
