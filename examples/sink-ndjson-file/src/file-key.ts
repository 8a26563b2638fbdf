import type { SinkTask } from '@etl/core';
import { encodeSegment } from './path-segment.js';

export const DEFAULT_KEY = '{pipeline}/{partition}.ndjson';
const PLACEHOLDERS = ['pipeline', 'partition', 'runId', 'date'] as const;

/** Problems with a key template: unknown placeholders, absolute paths, `.`/`..` segments. */
export function checkKey(key: string): string | undefined {
  for (const [, name] of key.matchAll(/\{([^}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name ?? '')) return `unknown placeholder {${name}}; allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
  }
  if (key.startsWith('/') || key.includes('\\')) return 'must be a relative path with / separators';
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return 'must not contain empty, "." or ".." segments';
  if (!key.includes('{partition}')) return 'must contain {partition}, or tasks would overwrite each other';
  return undefined;
}

/** The file of a task, relative to the directory; every value is encoded to stay inside its segment. */
export function renderKey(key: string, task: Pick<SinkTask, 'pipeline' | 'partition' | 'runId' | 'runStartedAt'>): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    pipeline: task.pipeline,
    partition: task.partition,
    runId: task.runId,
    date: task.runStartedAt.toISOString().slice(0, 10),
  };
  return key.replace(/\{([^}]*)\}/g, (_, name: (typeof PLACEHOLDERS)[number]) => encodeSegment(values[name]));
}
