import { formatClock, type RunEvent, type TaskRef, type TaskSummary } from '@etl/core';
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

/**
 * Live progress for a terminal: one listr2 task per pipeline, a subtask per partition with page and record
 * counts, group waits and retry countdowns. It only consumes run events; the run itself is driven by the core.
 */
export class ListrProgress {
  private readonly views = new Map<string, TaskView>();
  private readonly listr: Listr<unknown, 'default', 'simple'>;
  private running?: Promise<unknown>;

  constructor(tasks: readonly TaskRef[]) {
    const byPipeline = new Map<string, TaskView[]>();
    for (const ref of tasks) {
      const view: TaskView = { ref, output: 'queued' };
      this.views.set(ref.taskId, view);
      byPipeline.set(ref.pipeline, [...(byPipeline.get(ref.pipeline) ?? []), view]);
    }
    this.listr = new Listr<unknown, 'default', 'simple'>(
      [...byPipeline].map(([pipeline, views]) => ({
        title: pipeline,
        task: (_ctx: unknown, task: Wrapper) =>
          task.newListr(views.map((view) => ({ title: view.ref.partition, task: (_c: unknown, sub: Wrapper) => this.attach(view, sub) })), {
            concurrent: true,
            exitOnError: false,
          }),
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
    await this.running;
  }

  handle(event: RunEvent): void {
    if (!('taskId' in event)) return;
    const view = this.views.get(event.taskId);
    if (!view) return;
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
