// `pnpm bench`: runs every benchmark on loopback servers, prints one table with the goals beside the
// figures and writes the rows as JSON. `--smoke` runs the same code on small sizes (CI); `--only a,b`
// picks benchmarks by id. Benchmarks report figures; only a benchmark that could not run fails the command.
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { BenchRow, Benchmark } from './bench-report.js';
import { formatMarkdown, formatTable } from './format-table.js';
import { benchmark as frameworkVsBaseline } from './framework-vs-baseline.js';
import { benchmark as coreThroughput } from './core-throughput.js';
import { benchmark as memoryFlat } from './memory-flat.js';
import { benchmark as startup } from './startup.js';
import { benchmark as rateLimited } from './rate-limited.js';

const BENCHMARKS: readonly { readonly id: string; readonly run: Benchmark }[] = [
  { id: 'baseline', run: frameworkVsBaseline },
  { id: 'throughput', run: coreThroughput },
  { id: 'memory', run: memoryFlat },
  { id: 'startup', run: startup },
  { id: 'rate-limit', run: rateLimited },
];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

export function machineDescription(): string {
  const cpu = cpus();
  return `node ${process.version}, ${process.platform}/${process.arch}, ${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const only = option('only')?.split(',');
  const out = resolve(option('out') ?? 'bench-results.json');
  const unknown = only?.filter((id) => !BENCHMARKS.some((b) => b.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`);
  const machine = machineDescription();
  console.log(`${machine}${smoke ? ' (smoke sizes)' : ''}\n`);
  const rows: BenchRow[] = [];
  for (const { id, run } of BENCHMARKS.filter((b) => !only || only.includes(b.id))) {
    const started = performance.now();
    console.log(`${id}: running`);
    const produced = await run({ smoke });
    rows.push(...produced);
    console.log(`${id}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n${formatTable(produced)}\n`);
  }
  console.log(`\nAll benchmarks${smoke ? ' (smoke sizes: figures are not comparable with the goals)' : ''}\n\n${formatTable(rows)}\n`);
  await writeFile(out, `${JSON.stringify({ machine, smoke, date: new Date().toISOString(), command: process.argv.slice(2), rows }, null, 2)}\n`);
  await writeFile(out.replace(/\.json$/, '.md'), `${machine}\n\n${formatMarkdown(rows)}\n`);
  console.log(`written: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
