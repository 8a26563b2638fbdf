export interface SchedulableTask {
  readonly taskId: string;
  readonly group: string | undefined;
}

export interface ConcurrencyLimits {
  /** Tasks running at once in all. */
  readonly limit: number;
  /** Tasks running at once per group. */
  readonly groups: ReadonlyMap<string, number>;
}

export interface SchedulerHooks<T> {
  start(task: T): Promise<void>;
  /** A task could start but its group is full; called once per task. */
  waiting?(task: T, group: string, limit: number): void;
  /** When aborted, no further task starts. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Starts tasks in the order they were added as slots free up: a task starts when the run is under its
 * global limit and the task's group is under its own. A task whose group is full does not hold back later
 * tasks of other groups. Tasks may be added while others run (dynamic partitions); `close()` says no more
 * will come, and `done` then resolves once every started task has settled, with the tasks never started.
 */
export class TaskScheduler<T extends SchedulableTask> {
  readonly done: Promise<T[]>;
  private readonly pending: T[] = [];
  private readonly runningPerGroup = new Map<string, number>();
  private readonly toldWaiting = new Set<T>();
  private running = 0;
  private closed = false;
  private resolveDone!: (neverStarted: T[]) => void;

  constructor(
    private readonly limits: ConcurrencyLimits,
    private readonly hooks: SchedulerHooks<T>,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    hooks.signal?.addEventListener('abort', () => this.finishIfDone(), { once: true });
  }

  add(tasks: readonly T[]): void {
    this.pending.push(...tasks);
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.finishIfDone();
  }

  private pump(): void {
    const { limits, hooks } = this;
    for (let i = 0; i < this.pending.length && this.running < limits.limit && !hooks.signal?.aborted; ) {
      const task = this.pending[i] as T;
      const groupLimit = task.group === undefined ? Infinity : (limits.groups.get(task.group) ?? Infinity);
      const inGroup = task.group === undefined ? 0 : (this.runningPerGroup.get(task.group) ?? 0);
      if (inGroup >= groupLimit) {
        if (!this.toldWaiting.has(task) && task.group !== undefined) {
          this.toldWaiting.add(task);
          hooks.waiting?.(task, task.group, groupLimit);
        }
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.running++;
      if (task.group !== undefined) this.runningPerGroup.set(task.group, inGroup + 1);
      void Promise.resolve()
        .then(() => hooks.start(task))
        .catch(() => undefined) // the task runner reports its own failures; a rejection must not stall the run
        .finally(() => {
          this.running--;
          if (task.group !== undefined) this.runningPerGroup.set(task.group, (this.runningPerGroup.get(task.group) ?? 1) - 1);
          this.pump();
          this.finishIfDone();
        });
    }
  }

  private finishIfDone(): void {
    if (this.running > 0) return;
    if (this.hooks.signal?.aborted || (this.closed && this.pending.length === 0)) this.resolveDone(this.pending.splice(0));
  }
}
