import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ResolvedConfig, ResolvedPipeline } from '../config/resolved-config.js';
import { UsageError } from '../errors/usage-error.js';
import { toErrorInfo } from '../events/error-info.js';
import type { ErrorInfo, RunEvent, RunEventListener, RunSummary, TaskRef, TaskSummary } from '../events/run-events.js';
import { feedersRunInFull, planTasks, selectedPipelines, suggestPartition, taskFor, type PlannedTask, type TaskSelection } from '../plan/plan-tasks.js';
import type { SinkOutput } from '../plugin/sink.js';
import { TaskScheduler } from '../schedule/task-scheduler.js';
import { secretRegistry } from '../secrets/env.js';
import { Redactor } from '../secrets/redactor.js';
import { openStateStore } from '../state/open-state-store.js';
import type { RunRecord, StateStore, TaskRecord } from '../state/state-store.js';
import { downstreamOf } from './dynamic-partitions.js';
import { RunRecorder } from './run-recorder.js';
import { TaskHost, type TaskExecutor } from './task-host.js';

export interface RunOptions extends TaskSelection {
  readonly onEvent?: RunEventListener | undefined;
  /** Aborting stops new tasks, aborts in-flight source calls and sink writers. */
  readonly signal?: AbortSignal | undefined;
  readonly runId?: string | undefined;
  /** Where run records go; `false` keeps none. Default: the config's store (`.etl/` beside the config). */
  readonly state?: StateStore | false | undefined;
  /** Where tasks run; default: in this process. A queue runner passes one that runs them on workers. */
  readonly executor?: TaskExecutor | undefined;
  /**
   * Continue the latest run (same run id and start time, so date-based keys match) instead of starting
   * one: `unfinished` runs its tasks that never finished; `failed` also retries its failed ones.
   */
  readonly resume?: 'unfinished' | 'failed' | undefined;
}

const SETTLED = new Set<TaskRecord['status']>(['succeeded', 'failed', 'aborted', 'skipped']);

/** Runs the config's tasks under its concurrency limits and reports everything through events. */
export async function runPipelines(config: ResolvedConfig, options: RunOptions = {}): Promise<RunSummary> {
  const ownStore = options.state === undefined ? await openStateStore(config) : undefined;
  try {
    return await runWithStore(config, options, options.state === false ? undefined : (options.state ?? ownStore));
  } finally {
    await ownStore?.close?.();
  }
}

async function runWithStore(config: ResolvedConfig, options: RunOptions, store: StateStore | undefined): Promise<RunSummary> {
  const previous = options.resume ? await runToResume(config, store, options.resume) : undefined;
  const runId = previous?.runId ?? options.runId ?? newRunId();
  const runStartedAt = previous ? new Date(previous.startedAt) : new Date();
  const signal = runSignal(options.signal);
  const redactor = new Redactor([...config.secrets, ...secretRegistry()]);
  const emit = (event: RunEvent) => options.onEvent?.(event);

  const selection = previous ? previous.selection : { pipelines: [...(options.pipelines ?? [])], partitions: [...(options.partitions ?? [])] };
  const pipelines = selectedPipelines(config, selection);
  const wantedPartitions = selection.partitions.length > 0 ? new Set(selection.partitions) : undefined;
  const inFull = feedersRunInFull(config, selection);
  const selectionErrors: ErrorInfo[] = [];
  const initialTasks = previous ? tasksToResume(config, previous, options.resume ?? 'unfinished') : planTasks(config, selection);

  const lock = await store?.lock(pipelines.map((p) => p.name), { runId });
  try {
    const recorder = new RunRecorder(store, previous
      ? { ...previous, status: 'running', finishedAt: undefined, attempts: previous.attempts + 1 }
      : { runId, status: 'running', startedAt: runStartedAt.toISOString(), config: config.file, selection, tasks: [], dynamicPartitions: {}, outputs: [], errors: [], attempts: 1 });
    const host = new TaskHost(config, { state: store });
    const executor = options.executor ?? host;
    const summaries = new Map<string, TaskSummary>();
    const unplanned = new Set(pipelines.filter((p) => p.partitionsFrom && !(previous && p.name in previous.dynamicPartitions)).map((p) => p.name));

    const stateWrites: Promise<unknown>[] = [];
    const settle = (summary: TaskSummary, emitted?: Record<string, string[]>) => {
      summaries.set(summary.taskId, summary);
      recorder.taskSettled(summary, emitted);
      if (store && summary.partition !== '*') {
        const { pipeline, partition, status } = summary;
        stateWrites.push(
          store.getTaskState(pipeline, partition).then((previousState) =>
            store.saveTaskState(pipeline, partition, { ...previousState, lastStatus: status, lastRunId: runId, updatedAt: new Date().toISOString() }),
          ),
        );
      }
    };

    const limits = executor.holdsLimits ? { limit: Infinity, groups: new Map<string, number>() } : config.concurrency;
    const scheduler: TaskScheduler<PlannedTask> = new TaskScheduler(limits, {
      signal,
      waiting: (task, group, limit) => emit({ type: 'task-waiting', ...taskRef(task), group, limit }),
      start: async (task) => {
        recorder.taskStarted(task.taskId);
        const collectFor = downstreamOf(pipelines, task.pipeline).filter((p) => unplanned.has(p.name)).map((p) => p.name);
        const request = { runId, runStartedAt: runStartedAt.toISOString(), pipeline: task.pipeline, partition: task.partition, collectFor };
        const { summary, emitted } = await executor.execute(request, { emit, signal }).catch((error: unknown) => {
          // An executor that cannot run a task (e.g. a queue that lost it) fails that task, not the run.
          const failed = settledWithout(task, signal.aborted ? 'aborted' : 'failed', toErrorInfo(error, redactor));
          emit({ type: `task-${failed.status}`, ...taskRef(task), summary: failed });
          return { summary: failed, emitted: undefined };
        });
        settle(summary, emitted);
        planReadyDownstreams();
      },
    });

    const enqueue = (tasks: readonly PlannedTask[], recorded = false) => {
      if (!recorded) recorder.addTasks(tasks.map(taskRef));
      for (const task of tasks) emit({ type: 'task-queued', ...taskRef(task) });
      scheduler.add(tasks);
    };

    /** Plans each dynamic pipeline whose upstream tasks have all settled; closes the queue when none is left. */
    const planReadyDownstreams = (): void => {
      const planned: PlannedTask[] = [];
      for (let progressed = true; progressed; ) {
        progressed = false;
        for (const pipeline of pipelines) {
          const from = pipeline.partitionsFrom?.pipeline;
          if (!from || !unplanned.has(pipeline.name) || unplanned.has(from)) continue;
          if (!recorder.allSettled(from)) continue;
          const upstream = recorder.tasksOf(from);
          unplanned.delete(pipeline.name);
          progressed = true;
          const notOk = upstream.filter((t) => t.status !== 'succeeded');
          if (notOk.length > 0) {
            skipPipeline(pipeline, `upstream pipeline '${from}' did not succeed (${notOk.map((t) => `${t.partition}: ${t.status}`).join(', ')})`);
            continue;
          }
          recorder.removeTask(`${pipeline.name}/*`); // skipped by an earlier attempt whose upstream failed
          const keys = [...new Set(upstream.flatMap((t) => t.emitted?.[pipeline.name] ?? []))];
          recorder.setDynamicPartitions(pipeline.name, keys);
          const tasks = keys.filter((k) => !wantedPartitions || wantedPartitions.has(k) || inFull.has(pipeline.name)).flatMap((k) => plannedOrRejected(pipeline, k));
          recorder.addTasks(tasks.map(taskRef)); // recorded now, so a pipeline fed by this one waits for them
          planned.push(...tasks);
        }
      }
      const unmatched = unplanned.size === 0 ? partitionsMatchingNothing() : [];
      if (unmatched.length > 0) {
        // Once the upstream has given the partitions, a selected one that is none of them is a mistake in the
        // selection: nothing downstream runs, and the run fails with what the partitions are.
        for (const task of planned) recorder.removeTask(task.taskId);
        const known = [...new Set([...pipelines.flatMap((p) => p.partitions), ...Object.values(recorder.current.dynamicPartitions).flat()])];
        for (const partition of unmatched) {
          selectionErrors.push({ name: 'EtlError', code: 'PARTITION_NOT_FOUND', message: `no such partition '${partition}' in ${selection.pipelines.length ? 'the selected pipelines' : 'any pipeline'} of ${config.file}${suggestPartition(partition, known)}` });
        }
      } else if (planned.length > 0) {
        enqueue(planned, true);
      }
      if (unplanned.size === 0) scheduler.close();
    };

    /** Selected partitions no task of this run has, once every dynamic pipeline is planned (fresh runs only). */
    let selectionChecked = false;
    const partitionsMatchingNothing = (): string[] => {
      if (selectionChecked || !wantedPartitions || previous) return [];
      selectionChecked = true;
      const tasks = recorder.current.tasks;
      if (tasks.some((t) => t.partition === '*')) return []; // an upstream failed: it gave no partitions to match
      return [...wantedPartitions].filter((p) => !tasks.some((t) => t.partition === p));
    };

    /** A key the downstream source refuses fails its own task at once instead of reaching the API. */
    const plannedOrRejected = (pipeline: ResolvedPipeline, partition: string): PlannedTask[] => {
      const task = taskFor(pipeline, partition);
      const problem = pipeline.source.definition.checkPartition?.(partition, pipeline.source.options);
      if (!problem) return [task];
      const summary = settledWithout(task, 'failed', { name: 'EtlError', code: 'PARTITION_INVALID', message: `invalid partition from '${pipeline.partitionsFrom?.pipeline}': ${problem}` });
      settle(summary);
      emit({ type: 'task-queued', ...taskRef(task) });
      emit({ type: 'task-failed', ...taskRef(task), summary });
      return [];
    };

    /** Marks a whole dynamic pipeline skipped (one `*` task) and, transitively, what it feeds. */
    const skipPipeline = (pipeline: ResolvedPipeline, reason: string): void => {
      const task = taskFor(pipeline, '*');
      const summary = settledWithout(task, 'skipped', { name: 'EtlError', code: 'UPSTREAM_FAILED', message: reason });
      settle(summary);
      emit({ type: 'task-skipped', ...taskRef(task), summary });
    };

    // The record exists on disk before any task starts: a crash from here on leaves a run to resume.
    recorder.addTasks(initialTasks.map(taskRef));
    await recorder.flush();
    emit({ type: 'run-started', runId, startedAt: runStartedAt.toISOString(), tasks: initialTasks.map(taskRef) });
    enqueue(initialTasks);
    planReadyDownstreams();
    const neverStarted = await scheduler.done;

    for (const task of neverStarted) {
      const summary = settledWithout(task, 'aborted');
      settle(summary);
      emit({ type: 'task-aborted', ...taskRef(task), summary });
    }
    for (const name of unplanned) recorder.setDynamicPartitions(name, []);

    const all = recorder.current.tasks;
    const taskStatus: RunSummary['status'] = all.some((t) => t.status === 'failed')
      ? 'failed'
      : signal.aborted || all.some((t) => !SETTLED.has(t.status) || t.status === 'aborted')
        ? 'aborted'
        : 'succeeded';
    if (options.executor) {
      // Tasks ran elsewhere: this process creates the sinks that took data, only to finish the run.
      for (const pipeline of pipelines) if (all.some((t) => t.pipeline === pipeline.name && t.status !== 'skipped' && t.status !== 'pending')) await host.sinkOf(pipeline).catch(() => undefined);
    }
    const { outputs, errors } = await finishSinks(host, pipelines, all, { runId, taskStatus, runStartedAt, redactor });
    errors.unshift(...selectionErrors);
    await host.close();

    for (const result of await Promise.allSettled(stateWrites)) {
      if (result.status === 'rejected') errors.push(toErrorInfo(result.reason, redactor));
    }
    const status = errors.length > 0 ? 'failed' : taskStatus;
    recorder.finish(status, outputs, errors);
    await recorder.flush();
    const summary: RunSummary = {
      runId,
      status,
      startedAt: runStartedAt.toISOString(),
      durationMs: Date.now() - runStartedAt.getTime(),
      // This invocation's tasks, in run-record order (config order, downstream after upstream).
      tasks: recorder.current.tasks.map((t) => summaries.get(t.taskId)).filter((s): s is TaskSummary => s !== undefined),
      outputs,
      errors,
    };
    emit({ type: 'run-finished', summary });
    return summary;
  } finally {
    await lock?.release();
  }
}

/** Sinks learn the outcome of the whole run (e.g. to write a manifest listing only committed objects). */
async function finishSinks(
  host: TaskHost,
  pipelines: readonly ResolvedPipeline[],
  tasks: readonly TaskRecord[],
  run: { runId: string; taskStatus: RunSummary['status']; runStartedAt: Date; redactor: Redactor },
): Promise<{ outputs: SinkOutput[]; errors: ErrorInfo[] }> {
  const outputs: SinkOutput[] = [];
  const errors: ErrorInfo[] = [];
  for (const { spec, instance } of await host.createdSinks()) {
    try {
      const sink = await instance;
      if (!sink.finishRun) continue;
      const names = new Set(pipelines.filter((p) => p.sink === spec).map((p) => p.name));
      const own = tasks.filter((t) => names.has(t.pipeline));
      outputs.push(
        ...(await sink.finishRun({
          runId: run.runId,
          status: run.taskStatus,
          startedAt: run.runStartedAt,
          finishedAt: new Date(),
          tasks: own.map((t) => ({ pipeline: t.pipeline, partition: t.partition, status: SETTLED.has(t.status) ? (t.status as 'succeeded') : 'aborted', records: t.records, outputs: t.outputs })),
        })),
      );
    } catch (error) {
      errors.push(toErrorInfo(error, run.redactor));
    }
  }
  return { outputs, errors };
}

async function runToResume(config: ResolvedConfig, store: StateStore | undefined, mode: 'unfinished' | 'failed'): Promise<RunRecord | undefined> {
  if (!store) throw new UsageError('--resume needs a state store; this run keeps no state');
  const [latest] = await store.listRuns();
  if (!latest) throw new UsageError(`nothing to resume: no run recorded in ${store.location}`);
  if (latest.status === 'succeeded') throw new UsageError(`nothing to resume: the latest run ${latest.runId} succeeded`);
  const left = tasksToResume(config, latest, mode);
  const unplanned = selectedPipelines(config, latest.selection).some((p) => p.partitionsFrom && !(p.name in latest.dynamicPartitions));
  if (left.length === 0 && !unplanned) {
    const hint = mode === 'unfinished' && latest.tasks.some((t) => t.status === 'failed') ? '; use --retry-failed to run its failed tasks again' : '';
    throw new UsageError(`nothing to resume: the latest run ${latest.runId} (${latest.status}) has no ${mode} task left${hint}`);
  }
  return latest;
}

function tasksToResume(config: ResolvedConfig, run: RunRecord, mode: 'unfinished' | 'failed'): PlannedTask[] {
  const byName = new Map(config.pipelines.map((p) => [p.name, p]));
  const tasks: PlannedTask[] = [];
  for (const t of run.tasks) {
    const again = !SETTLED.has(t.status) || t.status === 'aborted' || (mode === 'failed' && t.status === 'failed');
    if (!again || t.partition === '*') continue;
    const pipeline = byName.get(t.pipeline);
    if (!pipeline) throw new UsageError(`cannot resume run ${run.runId}: pipeline '${t.pipeline}' is no longer in ${config.file}`);
    tasks.push(taskFor(pipeline, t.partition));
  }
  return tasks;
}

function settledWithout(task: TaskRef, status: TaskSummary['status'], error?: ErrorInfo): TaskSummary {
  return { ...taskRef(task), status, pages: 0, records: 0, retries: 0, durationMs: 0, outputs: [], error };
}

function taskRef(task: TaskRef): TaskRef {
  return { taskId: task.taskId, pipeline: task.pipeline, partition: task.partition };
}

/**
 * The run's own signal, following the caller's: every running task listens to it, so it may have more
 * listeners than Node's warning threshold without leaking any.
 */
function runSignal(outer: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
  return controller.signal;
}

/** Sortable and readable: `20261125T071500Z-3f2a9c`. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}
