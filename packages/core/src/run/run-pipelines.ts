import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { RunEvent, RunEventListener, RunSummary, TaskSummary } from '../events/run-events.js';
import { planTasks, type PlannedTask, type TaskSelection } from '../plan/plan-tasks.js';
import { runScheduled } from '../schedule/task-scheduler.js';
import { Redactor } from '../secrets/redactor.js';
import { secretRegistry } from '../secrets/env.js';
import { toErrorInfo } from '../events/error-info.js';
import type { ErrorInfo } from '../events/run-events.js';
import type { SinkOutput } from '../plugin/sink.js';
import { PluginInstances } from './plugin-instances.js';
import { runTask } from './task-runner.js';

export interface RunOptions extends TaskSelection {
  readonly onEvent?: RunEventListener | undefined;
  /** Aborting stops new tasks, aborts in-flight source calls and sink writers. */
  readonly signal?: AbortSignal | undefined;
  readonly runId?: string | undefined;
}

/** Runs the config's tasks under its concurrency limits and reports everything through events. */
export async function runPipelines(config: ResolvedConfig, options: RunOptions = {}): Promise<RunSummary> {
  const tasks = planTasks(config, options);
  const runId = options.runId ?? newRunId();
  const runStartedAt = new Date();
  const signal = options.signal ?? new AbortController().signal;
  const redactor = new Redactor([...config.secrets, ...secretRegistry()]);
  const emit = (event: RunEvent) => options.onEvent?.(event);
  const instances = new PluginInstances(config.pipelines);
  const summaries = new Map<string, TaskSummary>();

  emit({ type: 'run-started', runId, startedAt: runStartedAt.toISOString(), tasks: tasks.map(taskRef) });
  for (const task of tasks) emit({ type: 'task-queued', ...taskRef(task) });

  const neverStarted = await runScheduled(tasks, config.concurrency, {
    signal,
    waiting: (task, group, limit) => emit({ type: 'task-waiting', ...taskRef(task), group, limit }),
    start: async (task) => {
      const summary = await runTask(taskRef(task), {
        runId,
        runStartedAt,
        signal,
        emit,
        redactor,
        pipeline: task.pipelineConfig,
        plugins: async () => {
          const [source, sink] = await Promise.all([
            instances.source(task.pipelineConfig.source),
            instances.sink(task.pipelineConfig.sink),
          ]);
          return { source: source.instance, bulkhead: source.bulkhead, sink };
        },
      });
      summaries.set(task.taskId, summary);
    },
  });
  for (const task of neverStarted) {
    const summary: TaskSummary = { ...taskRef(task), status: 'aborted', pages: 0, records: 0, retries: 0, durationMs: 0, outputs: [] };
    summaries.set(task.taskId, summary);
    emit({ type: 'task-aborted', ...taskRef(task), summary });
  }
  const ordered = tasks.map((t) => summaries.get(t.taskId)).filter((s): s is TaskSummary => s !== undefined);
  const taskStatus = ordered.some((t) => t.status === 'failed') ? 'failed' : signal.aborted ? 'aborted' : 'succeeded';
  const outputs: SinkOutput[] = [];
  const errors: ErrorInfo[] = [];
  // Sinks learn the outcome of the whole run (e.g. to write a manifest listing only committed objects).
  for (const { spec, instance } of instances.createdSinks()) {
    try {
      const sink = await instance;
      if (!sink.finishRun) continue;
      const own = tasks.filter((t) => t.pipelineConfig.sink === spec).map((t) => summaries.get(t.taskId)).filter((t): t is TaskSummary => t !== undefined);
      outputs.push(...(await sink.finishRun({
        runId,
        status: taskStatus,
        startedAt: runStartedAt,
        finishedAt: new Date(),
        tasks: own.map((t) => ({ pipeline: t.pipeline, partition: t.partition, status: t.status, records: t.records, outputs: t.outputs })),
      })));
    } catch (error) {
      errors.push(toErrorInfo(error, redactor));
    }
  }
  await instances.close();

  const summary: RunSummary = {
    runId,
    status: errors.length > 0 ? 'failed' : taskStatus,
    startedAt: runStartedAt.toISOString(),
    durationMs: Date.now() - runStartedAt.getTime(),
    tasks: ordered,
    outputs,
    errors,
  };
  emit({ type: 'run-finished', summary });
  return summary;
}

function taskRef(task: PlannedTask) {
  return { taskId: task.taskId, pipeline: task.pipeline, partition: task.partition };
}

/** Sortable and readable: `20261125T071500Z-3f2a9c`. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}
