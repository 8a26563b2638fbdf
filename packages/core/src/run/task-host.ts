import type { ResolvedConfig, ResolvedPipeline } from '../config/resolved-config.js';
import type { RunEvent, TaskSummary } from '../events/run-events.js';
import { UsageError } from '../errors/usage-error.js';
import { taskFor } from '../plan/plan-tasks.js';
import type { SinkInstance, SinkSpec } from '../plugin/sink.js';
import { secretRegistry } from '../secrets/env.js';
import { Redactor } from '../secrets/redactor.js';
import type { StateStore } from '../state/state-store.js';
import { downstreamOf, PartitionKeyCollector } from './dynamic-partitions.js';
import { PluginInstances, type SourceGateFactory } from './plugin-instances.js';
import { runTask } from './task-runner.js';

/** One task to run, as plain data: it can cross a process boundary (e.g. a queue job). */
export interface TaskRequest {
  readonly runId: string;
  /** When the run started (ISO): date-based sink keys use it, so every attempt of a task writes the same keys. */
  readonly runStartedAt: string;
  readonly pipeline: string;
  readonly partition: string;
  /** Downstream pipelines (`fromPipeline`) whose partition keys this task collects from its records. */
  readonly collectFor: readonly string[];
}

export interface TaskOutcome {
  readonly summary: TaskSummary;
  /** Partition keys collected for `collectFor`, by downstream pipeline. */
  readonly emitted?: Record<string, string[]> | undefined;
}

export interface TaskContext {
  readonly emit: (event: RunEvent) => void;
  readonly signal: AbortSignal;
}

/**
 * Where a run's tasks execute. The default runs them in this process; a queue runner runs them on workers.
 * An executor that `holdsLimits` enforces the config's concurrency limits itself (e.g. per-group queues
 * with global concurrency), so the run hands it every ready task at once instead of scheduling them.
 */
export interface TaskExecutor {
  readonly holdsLimits: boolean;
  execute(request: TaskRequest, context: TaskContext): Promise<TaskOutcome>;
}

export interface TaskHostOptions {
  /** Task state (checkpoints, bookmarks); absent when the run keeps none. */
  readonly state?: StateStore | undefined;
  /** How calls of one source instance are gated; default: a bulkhead of the pipeline's limit in this process. */
  readonly gates?: SourceGateFactory | undefined;
}

/**
 * Runs single tasks of one config: holds the live plugin instances (shared by the tasks it runs, as in a
 * local run) and the task state. The local runner uses one per run; a queue worker keeps one per process.
 */
export class TaskHost implements TaskExecutor {
  readonly holdsLimits = false;
  private readonly instances: PluginInstances;
  private readonly redactor: Redactor;
  private readonly pipelines: ReadonlyMap<string, ResolvedPipeline>;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly options: TaskHostOptions = {},
  ) {
    this.instances = new PluginInstances(config.pipelines, options.gates);
    this.redactor = new Redactor([...config.secrets, ...secretRegistry()]);
    this.pipelines = new Map(config.pipelines.map((p) => [p.name, p]));
  }

  async execute(request: TaskRequest, context: TaskContext): Promise<TaskOutcome> {
    const pipeline = this.pipelines.get(request.pipeline);
    if (!pipeline) throw new UsageError(`pipeline '${request.pipeline}' is not in ${this.config.file}; every worker must run the same config`);
    const task = taskFor(pipeline, request.partition);
    const downstream = downstreamOf(this.config.pipelines, pipeline.name).filter((p) => request.collectFor.includes(p.name));
    const collector = downstream.length > 0 ? new PartitionKeyCollector(downstream) : undefined;
    const store = this.options.state;
    const summary = await runTask(
      { taskId: task.taskId, pipeline: task.pipeline, partition: task.partition },
      {
        runId: request.runId,
        runStartedAt: new Date(request.runStartedAt),
        signal: context.signal,
        emit: context.emit,
        redactor: this.redactor,
        pipeline,
        collector,
        taskState: store && {
          get: () => store.getTaskState(task.pipeline, task.partition),
          put: (state) => store.saveTaskState(task.pipeline, task.partition, state),
        },
        plugins: async () => {
          const [source, sink] = await Promise.all([this.instances.source(pipeline.source), this.instances.checkedSink(pipeline.sink)]);
          return { source: source.instance, gate: source.gate, sink };
        },
      },
    );
    return { summary, emitted: collector?.collected };
  }

  /** The sink instance of a pipeline, created if no task of this host has used it yet (to finish a run). */
  sinkOf(pipeline: ResolvedPipeline): Promise<SinkInstance<unknown>> {
    return this.instances.sink(pipeline.sink);
  }

  createdSinks(): Promise<{ spec: SinkSpec; instance: Promise<SinkInstance<unknown>> }[]> {
    return this.instances.createdSinks();
  }

  close(): Promise<void> {
    return this.instances.close();
  }
}
