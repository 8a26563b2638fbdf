import type { ErrorInfo, RunSummary, TaskRef, TaskSummary } from '../events/run-events.js';
import type { SinkOutput } from '../plugin/sink.js';
import type { RunRecord, StateStore, TaskRecord } from '../state/state-store.js';

const SETTLED = new Set<TaskRecord['status']>(['succeeded', 'failed', 'aborted', 'skipped']);

/**
 * Keeps the run record current and saves it as the run goes. Tasks live in a map (insertion order = record
 * order), so each update costs O(1) whatever the number of tasks; the record is materialised only to save
 * or read it. Saves are coalesced (one in flight, at most one more queued): losing the newest update to a
 * crash only means a committed task runs again on resume, which sinks make idempotent.
 */
export class RunRecorder {
  private base: Omit<RunRecord, 'tasks'>;
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly unsettled = new Map<string, Set<string>>();
  private saving: Promise<void> | undefined;
  private dirty = false;
  private saveError: unknown;

  constructor(
    private readonly store: StateStore | undefined,
    initial: RunRecord,
  ) {
    const { tasks, ...base } = initial;
    this.base = base;
    for (const task of tasks) this.put(task);
  }

  get current(): RunRecord {
    return { ...this.base, tasks: [...this.tasks.values()] };
  }

  /** The recorded tasks of one pipeline. */
  tasksOf(pipeline: string): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.pipeline === pipeline);
  }

  /** Whether every recorded task of `pipeline` has settled (cheap: called after each task). */
  allSettled(pipeline: string): boolean {
    return (this.unsettled.get(pipeline)?.size ?? 0) === 0;
  }

  /** Queues tasks as pending; a task already recorded (being resumed) goes back to pending in place. */
  addTasks(tasks: readonly TaskRef[]): void {
    for (const t of tasks) this.put({ taskId: t.taskId, pipeline: t.pipeline, partition: t.partition, status: 'pending', records: 0, pages: 0, retries: 0, outputs: [] });
    this.scheduleSave();
  }

  taskStarted(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task) this.put({ ...task, status: 'running' });
    this.scheduleSave();
  }

  taskSettled(summary: TaskSummary, emitted?: Readonly<Record<string, readonly string[]>>): void {
    const { taskId, pipeline, partition, status, records, pages, retries, outputs, resolved, error } = summary;
    this.put({ taskId, pipeline, partition, status, records, pages, retries, outputs, resolved, error, ...(emitted ? { emitted } : {}) });
    this.scheduleSave();
  }

  removeTask(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    this.tasks.delete(taskId);
    this.unsettled.get(task.pipeline)?.delete(taskId);
    this.scheduleSave();
  }

  setDynamicPartitions(pipeline: string, partitions: readonly string[]): void {
    this.base = { ...this.base, dynamicPartitions: { ...this.base.dynamicPartitions, [pipeline]: partitions } };
    this.scheduleSave();
  }

  finish(status: RunSummary['status'], outputs: readonly SinkOutput[], errors: readonly ErrorInfo[]): void {
    this.base = { ...this.base, status, outputs, errors, finishedAt: new Date().toISOString() };
    this.scheduleSave();
  }

  /** Waits for every queued save; rethrows a failed save, since a run whose state was not kept must say so. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
    if (this.saveError) throw this.saveError;
  }

  private put(task: TaskRecord): void {
    this.tasks.set(task.taskId, task);
    let open = this.unsettled.get(task.pipeline);
    if (!open) this.unsettled.set(task.pipeline, (open = new Set()));
    if (SETTLED.has(task.status)) open.delete(task.taskId);
    else open.add(task.taskId);
  }

  private scheduleSave(): void {
    if (!this.store) return;
    if (this.saving) {
      this.dirty = true;
      return;
    }
    const store = this.store;
    this.saving = (async () => {
      do {
        this.dirty = false;
        try {
          await store.saveRun(this.current);
        } catch (error) {
          this.saveError ??= error;
        }
      } while (this.dirty);
      this.saving = undefined;
    })();
  }
}
