import type { RunSummary, TaskSummary } from '@etl/core';

/** The end-of-run report for people. */
export function summaryText(summary: RunSummary): string {
  const lines: string[] = [''];
  const width = Math.max(4, ...summary.tasks.map((t) => t.taskId.length));
  lines.push(`${'task'.padEnd(width)}  status     records  pages  retries  time`);
  for (const t of summary.tasks) {
    lines.push(`${t.taskId.padEnd(width)}  ${t.status.padEnd(9)}  ${String(t.records).padStart(7)}  ${String(t.pages).padStart(5)}  ${String(t.retries).padStart(7)}  ${seconds(t.durationMs)}`);
    for (const out of t.outputs) lines.push(`${' '.repeat(width)}  -> ${out.location} (${out.records} records${out.bytes !== undefined ? `, ${out.bytes} bytes` : ''})`);
    if (t.error) lines.push(`${' '.repeat(width)}  !! ${errorLine(t)}`);
  }
  for (const out of summary.outputs) lines.push(`run output: ${out.location}`);
  for (const error of summary.errors) lines.push(`run error: ${error.code ?? error.name}: ${error.message}`);
  const ok = summary.tasks.filter((t) => t.status === 'succeeded').length;
  const skipped = summary.tasks.filter((t) => t.status === 'skipped').length;
  const records = summary.tasks.reduce((n, t) => n + t.records, 0);
  lines.push('');
  lines.push(`Run ${summary.runId} ${summary.status}: ${ok}/${summary.tasks.length} task(s) succeeded${skipped ? `, ${skipped} skipped` : ''}, ${records} record(s) in ${seconds(summary.durationMs)}`);
  return lines.join('\n');
}

export function errorLine(task: TaskSummary): string {
  if (!task.error) return '';
  const code = task.error.code ?? task.error.name;
  const status = task.error.status !== undefined ? ` ${task.error.status}` : '';
  return `${code}${status}: ${task.error.message}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
