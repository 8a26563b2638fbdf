import type { RunEvent } from '@etl/core';
import { formatClock } from '@etl/core/host';
import { errorLine } from './summary-text.js';

/** `2026-11-25T12:05:00.000Z` -> `12:05:00` in local time, as a person reads a clock. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

/** One line per event, for logs and pipes (no TTY). */
export function plainLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `run ${event.runId}: ${event.tasks.length} task(s)`;
    case 'task-queued':
      return undefined;
    case 'task-waiting':
      return `[${event.taskId}] waiting for a slot in group ${event.group} (limit ${event.limit})`;
    case 'task-started':
      return `[${event.taskId}] started`;
    case 'partition-resolved':
      return `[${event.taskId}] ${event.partition} is ${event.resolved}`;
    case 'task-checkpointed':
      return `[${event.taskId}] checkpoint: ${event.chunks} chunk(s) committed, ${event.records} record(s)`;
    case 'task-paused':
      return `[${event.taskId}] ${event.reason}: resuming at ${clockTime(event.until)}`;
    case 'page-fetched':
      return `[${event.taskId}] page ${event.page}: ${event.records} record(s)${event.kept !== event.records ? `, ${event.kept} kept` : ''} (${event.totalRecords} in all)`;
    case 'retry-scheduled':
      return `[${event.taskId}] retry ${event.attempt + 1}/${event.maxAttempts} in ${formatClock(event.delayMs)} after ${event.error.code ?? event.error.name}${event.error.status !== undefined ? ` ${event.error.status}` : ''}: ${event.error.message}`;
    case 'task-succeeded':
      return `[${event.taskId}] succeeded: ${event.summary.records} record(s), ${event.summary.pages} page(s)${event.summary.outputs.map((o) => ` -> ${o.location}`).join('')}`;
    case 'task-failed':
      return `[${event.taskId}] FAILED: ${errorLine(event.summary)}`;
    case 'task-aborted':
      return `[${event.taskId}] aborted`;
    case 'task-skipped':
      return `[${event.taskId}] skipped: ${event.summary.error?.message ?? ''}`;
    case 'run-finished':
      return undefined;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
