// `ETL_BENCH_CPU_PROF=<dir>` makes every process the network benchmarks measure write a V8 CPU profile
// there (named after the run), to find out where a missed goal goes. Off by default: profiling slows runs.
import { resolve } from 'node:path';

export function cpuProfileArgs(name: string): string[] {
  const directory = process.env.ETL_BENCH_CPU_PROF;
  if (!directory) return [];
  return ['--cpu-prof', '--cpu-prof-dir', resolve(directory), '--cpu-prof-name', `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}.cpuprofile`];
}
