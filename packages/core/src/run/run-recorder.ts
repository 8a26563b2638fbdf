import type { ErrorInfo, RunSummary, TaskRef, TaskSummary } from '../events/run-events.js';
import type { SinkOutput } from '../plugin/sink.js';
import type { RunRecord, StateStore, TaskRecord } from '../state/state-store.js';

/**
 * Keeps the run record current and saves it as the run goes. Saves are coalesced (one in flight, at most
 * one more queued), so thousands of tasks do not mean thousands of queued writes; losing the newest
 * update to a crash only means a committed task runs again on resume, which sinks make idempotent.
 */
export class RunRecorder {
  private record: RunRecord;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private saveError: unknown;

  constructor(
    private readonly store: StateStore | undefined,
    initial: RunRecord,
  ) {
    this.record = initial;
  }

  get current(): RunRecord {
    return this.record;
  }

  /** Queues tasks as pending; a task already recorded (being resumed) goes back to pending in place. */
  addTasks(tasks: readonly TaskRef[]): void {
    const again = new Set(tasks.map((t) => t.taskId));
    const known = new Set(this.record.tasks.map((t) => t.taskId));
    const pending = (t: TaskRef): TaskRecord => ({ taskId: t.taskId, pipeline: t.pipeline, partition: t.partition, status: 'pending', records: 0, pages: 0, retries: 0, outputs: [] });
    this.update({
      tasks: [
        ...this.record.tasks.map((t) => (again.has(t.taskId) ? pending(t) : t)),
        ...tasks.filter((t) => !known.has(t.taskId)).map(pending),
      ],
    });
  }

  taskStarted(taskId: string): void {
    this.updateTask(taskId, { status: 'running' });
  }

  taskSettled(summary: TaskSummary, emitted?: Readonly<Record<string, readonly string[]>>): void {
    const { taskId, pipeline, partition, status, records, pages, retries, outputs, resolved, error } = summary;
    const known = this.record.tasks.some((t) => t.taskId === taskId);
    const entry: TaskRecord = { taskId, pipeline, partition, status, records, pages, retries, outputs, resolved, error, ...(emitted ? { emitted } : {}) };
    if (known) this.updateTask(taskId, entry);
    else this.update({ tasks: [...this.record.tasks, entry] });
  }

  removeTask(taskId: string): void {
    this.update({ tasks: this.record.tasks.filter((t) => t.taskId !== taskId) });
  }

  setDynamicPartitions(pipeline: string, partitions: readonly string[]): void {
    this.update({ dynamicPartitions: { ...this.record.dynamicPartitions, [pipeline]: partitions } });
  }

  finish(status: RunSummary['status'], outputs: readonly SinkOutput[], errors: readonly ErrorInfo[]): void {
    this.update({ status, outputs, errors, finishedAt: new Date().toISOString() });
  }

  /** Waits for every queued save; rethrows a failed save, since a run whose state was not kept must say so. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
    if (this.saveError) throw this.saveError;
  }

  private updateTask(taskId: string, patch: Partial<TaskRecord>): void {
    this.update({ tasks: this.record.tasks.map((t) => (t.taskId === taskId ? { ...t, ...patch } : t)) });
  }

  private update(patch: Partial<RunRecord>): void {
    this.record = { ...this.record, ...patch };
    this.scheduleSave();
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
          await store.saveRun(this.record);
        } catch (error) {
          this.saveError ??= error;
        }
      } while (this.dirty);
      this.saving = undefined;
    })();
  }
}
