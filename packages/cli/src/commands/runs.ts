import type { RunRecord } from '@etl/core';
import { loadConfig, openStateStore } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';

/** The run history, newest first: id, start, duration, tasks ok/failed/skipped, records. */
export async function runsCommand(args: CliArgs, io: CliIo): Promise<number> {
  const { config } = await loadConfig({ configFile: args.config, cwd: io.cwd });
  const store = await openStateStore(config);
  const runs = await store.listRuns();
  if (args.json) {
    writeLine(io.stdout, JSON.stringify(runs.map(runLine), null, 2));
    return EXIT.ok;
  }
  if (runs.length === 0) {
    writeLine(io.stdout, `No runs recorded in ${store.location}.`);
    return EXIT.ok;
  }
  writeLine(io.stdout, `${'run'.padEnd(26)}  ${'started'.padEnd(20)}  ${'duration'.padStart(8)}  status      ok  failed  skipped  other  records`);
  for (const run of runs) {
    const r = runLine(run);
    writeLine(
      io.stdout,
      `${r.runId.padEnd(26)}  ${r.startedAt.slice(0, 19).replace('T', ' ').padEnd(20)}  ${(r.durationMs === undefined ? '-' : `${(r.durationMs / 1000).toFixed(1)}s`).padStart(8)}  ${r.status.padEnd(10)}  ${String(r.ok).padStart(2)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${String(r.other).padStart(5)}  ${String(r.records).padStart(7)}${r.attempts > 1 ? `  (${r.attempts} attempts)` : ''}`,
    );
  }
  return EXIT.ok;
}

function runLine(run: RunRecord) {
  const count = (status: string) => run.tasks.filter((t) => t.status === status).length;
  const ok = count('succeeded');
  const failed = count('failed');
  const skipped = count('skipped');
  return {
    runId: run.runId,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : undefined,
    attempts: run.attempts,
    ok,
    failed,
    skipped,
    /** Pending, running or aborted: what `etl run --resume` would pick up. */
    other: run.tasks.length - ok - failed - skipped,
    /** Records of succeeded tasks: what the run committed. */
    records: run.tasks.filter((t) => t.status === 'succeeded').reduce((n, t) => n + t.records, 0),
  };
}
