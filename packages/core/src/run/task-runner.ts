import type { BulkheadPolicy } from 'cockatiel';
import type { ResolvedPipeline } from '../config/resolved-config.js';
import { EtlError, isAbortError } from '../errors/etl-error.js';
import { toErrorInfo } from '../events/error-info.js';
import type { RunEvent, TaskRef, TaskStatus, TaskSummary } from '../events/run-events.js';
import type { SinkInstance, SinkOutput, SinkWriter } from '../plugin/sink.js';
import type { SourceInstance, SourceNotice, SourcePage } from '../plugin/source.js';
import { isPartitionSkipped } from '../errors/partition-skipped.js';
import { taskCallPolicy } from '../policy/source-policy.js';
import type { Redactor } from '../secrets/redactor.js';
import { abortReason, raceAbort } from './abortable.js';

export interface TaskRuntime {
  readonly runId: string;
  readonly runStartedAt: Date;
  readonly signal: AbortSignal;
  readonly emit: (event: RunEvent) => void;
  readonly redactor: Redactor;
  readonly pipeline: ResolvedPipeline;
  /** Sees every record the sink receives (after the transform): how dynamic partitions are collected. */
  readonly collect?: ((records: readonly unknown[]) => void) | undefined;
  /** Resolves the live source and sink; rejects if a plugin cannot be created (the task then fails). */
  readonly plugins: () => Promise<{ source: SourceInstance<unknown>; bulkhead: BulkheadPolicy; sink: SinkInstance<unknown> }>;
}

/** A source that hands back the cursor it was given would page forever. */
export class CursorLoopError extends EtlError {
  constructor(cursor: string) {
    super('SOURCE_CURSOR_LOOP', `the source returned the same cursor it was asked for (${JSON.stringify(cursor)}); stopping to avoid an endless loop`);
  }
}

/**
 * Runs one task: pages the source under the pipeline policy, transforms, and streams into one sink writer.
 * While the sink writes a page, the next page is already being fetched: at most one page waits, so memory
 * holds two pages whatever the partition size. The writer is committed only after the last page; on any
 * failure or abort it is aborted, so readers never see a partial partition.
 */
export async function runTask(task: TaskRef, runtime: TaskRuntime): Promise<TaskSummary> {
  const startedAt = Date.now();
  const { pipeline, emit, redactor } = runtime;
  const taskAbort = new AbortController();
  const onRunAbort = () => taskAbort.abort(runtime.signal.reason);
  runtime.signal.addEventListener('abort', onRunAbort, { once: true });
  const signal = taskAbort.signal;

  let pages = 0;
  let records = 0;
  let retries = 0;
  let outputs: readonly SinkOutput[] = [];
  let writer: SinkWriter<unknown> | undefined;
  let resolved: string | undefined;
  let failure: unknown;

  emit({ type: 'task-started', ...task });
  try {
    const { source, bulkhead, sink } = await raceAbort(runtime.plugins(), signal);
    const classifier = {
      isRetryable: (error: unknown) => source.isRetryable?.(error) ?? true,
      retryDelayMs: source.retryDelayMs?.bind(source),
    };
    const policy = taskCallPolicy(bulkhead, pipeline.policy, classifier, (notice) => {
      retries++;
      emit({
        type: 'retry-scheduled',
        ...task,
        attempt: notice.attempt,
        maxAttempts: pipeline.policy.attempts,
        delayMs: notice.delayMs,
        error: toErrorInfo(notice.error, redactor),
      });
    });
    const report = (notice: SourceNotice) => {
      emit({ type: 'task-paused', ...task, until: notice.until.toISOString(), reason: redactor.redact(notice.reason) });
    };
    const call = <T>(fn: () => Promise<T>): Promise<T> =>
      raceAbort(
        policy.execute(() => {
          if (signal.aborted) throw abortReason(signal);
          return fn();
        }, signal),
        signal,
      );

    if (source.resolvePartition) {
      resolved = await call(() => source.resolvePartition!({ pipeline: task.pipeline, partition: task.partition, signal, report }));
      if (resolved !== undefined) emit({ type: 'partition-resolved', ...task, resolved });
    }
    const fetchPage = (cursor: string | undefined): Promise<SourcePage<unknown>> =>
      call(() => source.fetchPage({ pipeline: task.pipeline, partition: task.partition, resolved, cursor, signal, report }));

    writer = await sink.open({ runId: runtime.runId, pipeline: task.pipeline, partition: task.partition, runStartedAt: runtime.runStartedAt, signal });
    let cursor: string | undefined;
    let next: Promise<SourcePage<unknown>> | undefined = fetchPage(undefined);
    while (next) {
      const page = await next;
      next = undefined;
      pages++;
      records += page.records.length;
      const hasMore = Boolean(page.cursor) && page.records.length > 0;
      if (hasMore && page.cursor === cursor) throw new CursorLoopError(page.cursor as string);
      if (hasMore) {
        cursor = page.cursor;
        next = fetchPage(cursor);
        next.catch(() => undefined); // observed on the next turn; this keeps a failed prefetch from being "unhandled" meanwhile
      }
      const kept = await transformPage(page.records, pipeline, task);
      emit({ type: 'page-fetched', ...task, page: pages, records: page.records.length, kept: kept.length, totalRecords: records, hasMore });
      if (kept.length > 0) {
        runtime.collect?.(kept);
        await raceAbort(writer.write(kept), signal);
      }
    }
    if (signal.aborted) throw abortReason(signal);
    outputs = (await writer.commit()).outputs;
    writer = undefined;
  } catch (error) {
    failure = error;
    taskAbort.abort(error);
    if (writer) await writer.abort(error).catch(() => undefined);
  } finally {
    runtime.signal.removeEventListener('abort', onRunAbort);
  }

  const summary: TaskSummary = {
    ...task,
    status: statusOf(failure, runtime.signal),
    resolved,
    pages,
    records,
    retries,
    durationMs: Date.now() - startedAt,
    outputs,
    error: failure === undefined ? undefined : toErrorInfo(failure, redactor),
  };
  emit({ type: `task-${summary.status}`, ...task, summary });
  return summary;
}

function statusOf(failure: unknown, runSignal: AbortSignal): TaskStatus {
  if (failure === undefined) return 'succeeded';
  if (runSignal.aborted && isAbortError(failure)) return 'aborted';
  return isPartitionSkipped(failure) ? 'skipped' : 'failed';
}

async function transformPage(records: readonly unknown[], pipeline: ResolvedPipeline, task: TaskRef): Promise<readonly unknown[]> {
  const { transform } = pipeline;
  if (!transform) return records;
  const kept: unknown[] = [];
  const context = { pipeline: task.pipeline, partition: task.partition };
  for (const record of records) {
    const mapped = await transform(record, context);
    if (mapped !== undefined) kept.push(mapped);
  }
  return kept;
}
