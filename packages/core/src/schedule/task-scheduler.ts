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
 * Starts tasks in order as slots free up: a task starts when the run is under its global limit and the
 * task's group is under its own. A task whose group is full does not hold back later tasks of other
 * groups. Resolves when every started task has settled; returns the tasks that never started.
 */
export function runScheduled<T extends SchedulableTask>(tasks: readonly T[], limits: ConcurrencyLimits, hooks: SchedulerHooks<T>): Promise<T[]> {
  const pending = [...tasks];
  const runningPerGroup = new Map<string, number>();
  const toldWaiting = new Set<T>();
  let running = 0;

  return new Promise((resolveAll) => {
    const finishIfDone = () => {
      if (running > 0) return;
      if (pending.length === 0 || hooks.signal?.aborted) resolveAll(pending.splice(0));
    };

    const pump = () => {
      for (let i = 0; i < pending.length && running < limits.limit && !hooks.signal?.aborted; ) {
        const task = pending[i] as T;
        const groupLimit = task.group === undefined ? Infinity : (limits.groups.get(task.group) ?? Infinity);
        const inGroup = task.group === undefined ? 0 : (runningPerGroup.get(task.group) ?? 0);
        if (inGroup >= groupLimit) {
          if (!toldWaiting.has(task) && task.group !== undefined) {
            toldWaiting.add(task);
            hooks.waiting?.(task, task.group, groupLimit);
          }
          i++;
          continue;
        }
        pending.splice(i, 1);
        running++;
        if (task.group !== undefined) runningPerGroup.set(task.group, inGroup + 1);
        void Promise.resolve()
          .then(() => hooks.start(task))
          .catch(() => undefined) // the task runner reports its own failures; a rejection must not stall the run
          .finally(() => {
            running--;
            if (task.group !== undefined) runningPerGroup.set(task.group, (runningPerGroup.get(task.group) ?? 1) - 1);
            pump();
            finishIfDone();
          });
      }
      finishIfDone();
    };

    hooks.signal?.addEventListener('abort', finishIfDone, { once: true });
    pump();
  });
}
