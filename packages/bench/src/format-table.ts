// Renders benchmark rows as a fixed-width text table (and as Markdown for BENCHMARKS.md).
import type { BenchRow, Figure, Goal } from './bench-report.js';

const figureText = (f: Figure): string => `${f.name} ${formatNumber(f.value)}${f.unit ? ` ${f.unit}` : ''}`;

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : String(Number(value.toPrecision(3)));
}

export function goalText(goal: Goal | undefined): string {
  if (!goal) return '';
  return `${goal.measure} ${formatNumber(goal.actual)} (goal ${goal.comparison} ${formatNumber(goal.limit)})`;
}

const verdict = (goal: Goal | undefined): string => (goal ? (goal.met ? 'met' : 'NOT MET') : '');

function cells(row: BenchRow): string[] {
  return [row.benchmark, row.case, row.figures.map(figureText).join(', '), goalText(row.goal), verdict(row.goal)];
}

const HEADER = ['benchmark', 'case', 'figures', 'goal', ''];

export function formatTable(rows: readonly BenchRow[]): string {
  const all = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.benchmark} / ${r.case}: ${r.note}`);
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(cells).map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function formatMarkdown(rows: readonly BenchRow[]): string {
  const escape = (c: string) => c.replaceAll('|', '\\|');
  return [`| ${HEADER.slice(0, 4).join(' | ')} | verdict |`, '|---|---|---|---|---|', ...rows.map((r) => `| ${cells(r).map(escape).join(' | ')} |`)].join('\n');
}
