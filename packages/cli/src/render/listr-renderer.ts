import type { RunEvent, TaskRef, TaskSummary } from '@etl/core';
import { formatClock } from '@etl/core/host';
import { Listr, type DefaultRenderer, type ListrTaskWrapper, type SimpleRenderer } from 'listr2';
import { clockTime } from './plain-renderer.js';
import { errorLine } from './summary-text.js';

type Wrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface TaskView {
  readonly ref: TaskRef;
  wrapper?: Wrapper;
  output: string;
  countdown?: { readonly until: number; readonly text: (left: string) => string; readonly timer: NodeJS.Timeout };
  settle?: (summary: TaskSummary) => void;
  final?: TaskSummary;
}

interface PipelineView {
  readonly views: TaskView[];
  /** Resolves once the pipeline's tasks are known: at once for static partitions, later for dynamic ones. */
  planned: Promise<void>;
  markPlanned: () => void;
  scheduled: boolean;
}

/**
 * Live progress for a terminal: one listr2 task per pipeline, a subtask per partition with page and record
 * counts, group waits, rate-limit pauses and retry countdowns. It only consumes run events; the run itself
 * is driven by the core. A pipeline whose partitions come from another pipeline shows its subtasks once
 * they are planned.
 */
export class ListrProgress {
  private readonly views = new Map<string, TaskView>();
  private readonly pipelines = new Map<string, PipelineView>();
  private readonly listr: Listr<unknown, 'default', 'simple'>;
  private running?: Promise<unknown>;

  constructor(pipelines: readonly string[]) {
    for (const name of pipelines) {
      let markPlanned!: () => void;
      const planned = new Promise<void>((resolve) => (markPlanned = resolve));
      this.pipelines.set(name, { views: [], planned, markPlanned, scheduled: false });
    }
    this.listr = new Listr<unknown, 'default', 'simple'>(
      [...this.pipelines].map(([name, pipeline]) => ({
        title: name,
        task: async (_ctx: unknown, task: Wrapper) => {
          task.output = 'waiting for its partitions';
          await pipeline.planned;
          if (pipeline.views.length === 0) {
            task.title = `${name}: no partitions`;
            return;
          }
          return task.newListr(
            pipeline.views.map((view) => ({ title: view.ref.partition, task: (_c: unknown, sub: Wrapper) => this.attach(view, sub) })),
            { concurrent: true, exitOnError: false },
          );
        },
      })),
      {
        concurrent: true,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { collapseSubtasks: false, collapseErrors: false },
      },
    );
  }

  start(): void {
    this.running = this.listr.run().catch(() => undefined);
  }

  async finish(): Promise<void> {
    for (const view of this.views.values()) this.stopCountdown(view);
    for (const pipeline of this.pipelines.values()) pipeline.markPlanned();
    await this.running;
  }

  /** Tasks of one pipeline are queued in one burst; the subtask list is built after it. */
  private register(ref: TaskRef): TaskView {
    let view = this.views.get(ref.taskId);
    if (view) return view;
    view = { ref, output: 'queued' };
    this.views.set(ref.taskId, view);
    const pipeline = this.pipelines.get(ref.pipeline);
    if (pipeline) {
      pipeline.views.push(view);
      if (!pipeline.scheduled) {
        pipeline.scheduled = true;
        setImmediate(pipeline.markPlanned);
      }
    }
    return view;
  }

  handle(event: RunEvent): void {
    if (!('taskId' in event)) return;
    const view = this.register(event);
    this.stopCountdown(view);
    switch (event.type) {
      case 'task-waiting':
        this.show(view, `waiting for a slot in group ${event.group} (limit ${event.limit})`);
        break;
      case 'task-started':
        this.show(view, 'fetching page 1');
        break;
      case 'partition-resolved':
        this.show(view, `${event.resolved}, fetching page 1`);
        break;
      case 'task-paused':
        this.show(view, `${event.reason}: resuming at ${clockTime(event.until)}`);
        break;
      case 'page-fetched':
        this.show(view, `page ${event.page}, ${event.totalRecords} record(s)${event.hasMore ? '' : ', committing'}`);
        break;
      case 'retry-scheduled': {
        const reason = `${event.error.code ?? event.error.name}${event.error.status !== undefined ? ` ${event.error.status}` : ''}`;
        const text = (left: string) => `retry ${event.attempt + 1}/${event.maxAttempts} in ${left} (${reason})`;
        const until = Date.now() + event.delayMs;
        const timer = setInterval(() => this.show(view, text(formatClock(until - Date.now()))), 1000);
        view.countdown = { until, text, timer };
        this.show(view, text(formatClock(event.delayMs)));
        break;
      }
      case 'task-succeeded':
      case 'task-failed':
      case 'task-aborted':
      case 'task-skipped':
        view.final = event.summary;
        view.settle?.(event.summary);
        break;
      default:
        break;
    }
  }

  private attach(view: TaskView, wrapper: Wrapper): Promise<void> {
    view.wrapper = wrapper;
    wrapper.output = view.output;
    return new Promise<void>((resolve, reject) => {
      const settle = (summary: TaskSummary) => {
        if (summary.status === 'succeeded') {
          wrapper.title = `${view.ref.partition}: ${summary.records} record(s), ${summary.pages} page(s)`;
          resolve();
        } else if (summary.status === 'aborted') {
          wrapper.skip(`${view.ref.partition}: aborted`);
          resolve();
        } else if (summary.status === 'skipped') {
          wrapper.skip(`${view.ref.partition}: skipped (${summary.error?.message ?? ''})`);
          resolve();
        } else {
          reject(new Error(`${view.ref.partition}: ${errorLine(summary)}`));
        }
      };
      if (view.final) settle(view.final);
      else view.settle = settle;
    });
  }

  private show(view: TaskView, output: string): void {
    view.output = output;
    if (view.wrapper) view.wrapper.output = output;
  }

  private stopCountdown(view: TaskView): void {
    if (view.countdown) clearInterval(view.countdown.timer);
    view.countdown = undefined;
  }
}
