import { EtlError } from './etl-error.js';

const CODE = 'PARTITION_SKIPPED';

/**
 * Thrown by a source to skip its partition instead of failing it (e.g. "actor not found" when the user
 * opted for that). The task ends as `skipped`, its writer is aborted, and the run does not fail.
 */
export class PartitionSkippedError extends EtlError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(CODE, reason, options);
  }
}

/** Matched by code: a plugin may bundle its own copy of @etl/core. */
export function isPartitionSkipped(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === CODE;
}
