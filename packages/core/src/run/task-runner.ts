import type { ResolvedPipeline } from '../config/resolved-config.js';
import { EtlError, isAbortError } from '../errors/etl-error.js';
import { toErrorInfo } from '../events/error-info.js';
import type { RunEvent, TaskRef, TaskStatus, TaskSummary } from '../events/run-events.js';
import type { SinkInstance, SinkOutput, SinkWriter } from '../plugin/sink.js';
import type { SourceInstance, SourceNotice, SourcePage } from '../plugin/source.js';
import { isPartitionSkipped } from '../errors/partition-skipped.js';
import { taskCallPolicy, type SourceCallGate } from '../policy/source-policy.js';
import type { Redactor } from '../secrets/redactor.js';
import { abortReason, raceAbort } from './abortable.js';
import type { PartitionKeyCollector } from './dynamic-partitions.js';
import type { TaskState } from '../state/state-store.js';

export interface TaskRuntime {
  readonly runId: string;
  readonly runStartedAt: Date;
  readonly signal: AbortSignal;
  readonly emit: (event: RunEvent) => void;
  readonly redactor: Redactor;
  readonly pipeline: ResolvedPipeline;
  /** Collects partition keys for downstream pipelines from every record the sink receives. */
  readonly collector?: PartitionKeyCollector | undefined;
  /** This task's durable state (checkpoints, bookmarks); absent when the run keeps no state. */
  readonly taskState?: { get(): Promise<TaskState | undefined>; put(state: TaskState): Promise<void> } | undefined;
  /** Resolves the live source and sink; rejects if a plugin cannot be created (the task then fails). */
  readonly plugins: () => Promise<{ source: SourceInstance<unknown>; gate: SourceCallGate; sink: SinkInstance<unknown> }>;
}

/**
 * A source that hands back a cursor it already gave in this task would page forever: the cursor it was
 * asked for (a -> a), or an earlier one (a -> b -> a). A cursor names a position, so coming back to one
 * means the same pages again.
 */
export class CursorLoopError extends EtlError {
  constructor(cursor: string, again: 'asked' | 'earlier' = 'asked') {
    super(
      'SOURCE_CURSOR_LOOP',
      `the source returned ${again === 'asked' ? 'the same cursor it was asked for' : 'a cursor it had already returned in this task'} (${JSON.stringify(cursor)}); stopping to avoid an endless loop`,
    );
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
    const { source, gate, sink } = await raceAbort(runtime.plugins(), signal);
    const classifier = {
      isRetryable: (error: unknown) => source.isRetryable?.(error) ?? true,
      retryDelayMs: source.retryDelayMs?.bind(source),
    };
    const policy = taskCallPolicy(gate, pipeline.policy, classifier, (notice) => {
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

    const stored = await runtime.taskState?.get();
    // Only a checkpoint of this very run can be resumed: a chunk index means nothing across runs.
    const checkpoint = stored?.checkpoint?.runId === runtime.runId ? stored.checkpoint : undefined;
    const bookmark = pipeline.mode === 'incremental' ? stored?.bookmark : undefined;
    let newBookmark = checkpoint?.bookmark;
    let chunks = checkpoint?.chunks ?? 0;
    let cursor = checkpoint?.cursor;
    pages = checkpoint?.pages ?? 0;
    records = checkpoint?.records ?? 0;
    runtime.collector?.seed(checkpoint?.emitted);

    writer = await sink.open({
      runId: runtime.runId,
      pipeline: task.pipeline,
      partition: task.partition,
      runStartedAt: runtime.runStartedAt,
      signal,
      resume: checkpoint ? { chunks: checkpoint.chunks, outputs: checkpoint.outputs } : undefined,
    });
    const fetchPage = (pageCursor: string | undefined): Promise<SourcePage<unknown>> =>
      call(() => source.fetchPage({ pipeline: task.pipeline, partition: task.partition, resolved, cursor: pageCursor, bookmark, signal, report }));

    let pagesInChunk = 0;
    // Every cursor of this task (since its checkpoint): coming back to any of them is a loop.
    const seen = new Set<string>(cursor ? [cursor] : []);
    let next: Promise<SourcePage<unknown>> | undefined = fetchPage(cursor);
    while (next) {
      const page = await next;
      next = undefined;
      pages++;
      pagesInChunk++;
      records += page.records.length;
      if (page.bookmark !== undefined) newBookmark = page.bookmark;
      const hasMore = Boolean(page.cursor) && page.records.length > 0;
      if (hasMore && seen.has(page.cursor as string)) throw new CursorLoopError(page.cursor as string, page.cursor === cursor ? 'asked' : 'earlier');
      if (hasMore) {
        cursor = page.cursor;
        seen.add(cursor as string);
        next = fetchPage(cursor);
        next.catch(() => undefined); // observed on the next turn; this keeps a failed prefetch from being "unhandled" meanwhile
      }
      const kept = await transformPage(page.records, pipeline, task);
      emit({ type: 'page-fetched', ...task, page: pages, records: page.records.length, kept: kept.length, totalRecords: records, hasMore });
      if (kept.length > 0) {
        runtime.collector?.add(kept);
        await raceAbort(writer.write(kept), signal);
      }
      const due = (pipeline.checkpointEveryPages !== undefined && pagesInChunk >= pipeline.checkpointEveryPages) || writer.wantsCheckpoint?.() === true;
      if (hasMore && due && writer.checkpoint && runtime.taskState) {
        // The next page (at `cursor`) is not written yet: after a crash the task resumes exactly there.
        const chunk = await raceAbort(writer.checkpoint(), signal);
        chunks++;
        pagesInChunk = 0;
        await runtime.taskState.put({
          ...stored,
          checkpoint: {
            runId: runtime.runId,
            cursor,
            chunks,
            outputs: chunk.outputs,
            records,
            pages,
            updatedAt: new Date().toISOString(),
            bookmark: newBookmark,
            emitted: runtime.collector?.collected,
          },
        });
        emit({ type: 'task-checkpointed', ...task, chunks, records, pages });
      }
    }
    if (signal.aborted) throw abortReason(signal);
    outputs = (await writer.commit()).outputs;
    writer = undefined;
    await runtime.taskState?.put({
      ...stored,
      checkpoint: undefined,
      ...(pipeline.mode === 'incremental' ? { bookmark: newBookmark ?? stored?.bookmark, bookmarkRunId: runtime.runId } : {}),
      lastStatus: 'succeeded',
      lastRunId: runtime.runId,
      updatedAt: new Date().toISOString(),
    });
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
    startedAt: new Date(startedAt).toISOString(),
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
