// Preloaded with `node --import` into a measured process: on exit it writes the process's own CPU time
// and peak RSS (getrusage) to the file named by ETL_BENCH_USAGE_FILE, so a parent can measure any
// script — the CLI, a hand-written baseline — without changing it.
import { writeFileSync } from 'node:fs';

export interface ChildUsage {
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Peak resident set size over the process's life. */
  readonly maxRssBytes: number;
}

const file = process.env.ETL_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const report: ChildUsage = { cpuUserMs: usage.userCPUTime / 1000, cpuSystemMs: usage.systemCPUTime / 1000, maxRssBytes: usage.maxRSS * 1024 };
    writeFileSync(file, JSON.stringify(report));
  });
}
