// Scheduling overhead at scale: N partitions through runPipelines with in-memory plugins (so only the core
// is measured), without state and with the local state store. Prints figures; asserts nothing.
// Usage: node packages/core/bench/plan-scale.mjs [--partitions 10000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSink, defineSource, runPipelines, validateConfig } from '../dist/index.js';

const arg = process.argv.indexOf('--partitions');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 10_000;
const source = defineSource({ name: 'bench.one', options: { type: 'object' }, create: () => ({ fetchPage: async ({ partition }) => ({ records: [{ partition }] }) }) });
const sink = defineSink({ name: 'bench.null', options: { type: 'object' }, create: () => ({ open: async () => ({ write: async () => {}, commit: async () => ({ outputs: [] }), abort: async () => {} }) }) });

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

async function scenario(name, withState) {
  const dir = await mkdtemp(join(tmpdir(), 'etl-bench-'));
  const partitions = Array.from({ length: N }, (_, i) => `partition-${i}`);
  const config = validateConfig({ concurrency: { limit: 16 }, pipelines: { p: { source: source({}), partitions, sink: sink({}) } } }, 'bench.config.ts', dir);
  const rssBefore = process.memoryUsage().rss;
  peak = rssBefore;
  const started = performance.now();
  const summary = await runPipelines(config, withState ? {} : { state: false });
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  const ok = summary.tasks.filter((t) => t.status === 'succeeded').length;
  return { name, tasks: N, ok, seconds: (ms / 1000).toFixed(2), perTaskMs: (ms / N).toFixed(3), rssBeforeMB: (rssBefore / 2 ** 20).toFixed(0), peakMB: (peak / 2 ** 20).toFixed(0) };
}

console.log(`node ${process.version}; ${N} partitions, one page each, 16 tasks at once`);
const rows = [await scenario('no state', false), await scenario('local state (.etl)', true)];
clearInterval(sampler);
console.table(rows);
