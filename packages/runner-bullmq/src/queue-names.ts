import { createHash } from 'node:crypto';

/** Key prefix of every queue and lease of the runner in Redis. */
export const DEFAULT_PREFIX = 'etl';

/**
 * One queue per concurrency group, so BullMQ's global concurrency of that queue is the group's limit
 * across every worker. Group names are user text: encoded, since queue names may not contain `:`.
 */
export function queueNameOf(group: string | undefined): string {
  return group === undefined ? 'ungrouped' : `group-${encodeURIComponent(group).replaceAll('%', '~')}`;
}

/**
 * A task's job id within its run. BullMQ job ids may not contain `:` (DIDs do) nor be integers: the task
 * part is a digest (base64url, 132 bits).
 */
export function jobIdOf(runId: string, taskId: string): string {
  const digest = createHash('sha256').update(taskId).digest('base64url').slice(0, 22);
  return `${runId.replaceAll(':', '_')}.${digest}`;
}
