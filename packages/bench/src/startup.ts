// Start-up (issue #9, 4): `etl --help`, `etl validate` and `etl list` on the example etl.config.ts, each in a
// fresh process, cold and warm. Goal: `etl validate` warm < 400 ms.
//
// The config runs from a scratch project inside the workspace (.tmp/, so that it imports the workspace's
// packages) with a node_modules of its own, which holds the caches the tool keeps on disk: jiti's transpile
// of the config (node_modules/.cache/jiti) and the compiled option schemas (node_modules/.cache/etl). Cold
// is a run right after deleting them. Node 20 has no module compile cache (module.enableCompileCache is
// Node 22+), so there is none to clear; the OS page cache stays warm (dropping it needs root and would slow
// every other process on the machine). Warm is the median of N runs after one unmeasured run.
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goal, type Benchmark, type BenchRow, type Figure } from './bench-report.js';
import { cpuProfileArgs } from './cpu-profile-args.js';
import { assertSucceeded, MB, measureChild, type Measurement } from './measure-child.js';
import { median } from './medians.js';

const NAME = 'start-up';
const GOAL_VALIDATE_MS = 400;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(repoRoot, 'packages/cli/bin/etl.js');

interface Command {
  readonly label: string;
  readonly args: readonly string[];
  /** What the output must contain: a figure from a run that did not do its job is no figure. */
  readonly expect: RegExp;
}

const COMMANDS: readonly Command[] = [
  { label: 'etl --help', args: ['--help'], expect: /Usage: etl/ },
  { label: 'etl validate', args: ['validate'], expect: /etl\.config\.ts is valid/ },
  { label: 'etl list', args: ['list'], expect: /authorFeeds/ },
];

type Temperature = 'cold' | 'warm';

// Unset values are dropped by spawn: the caches must behave as they do for a user, whatever the caller's shell says.
const ENV: NodeJS.ProcessEnv = { JITI_FS_CACHE: undefined, JITI_CACHE: undefined, JITI_REBUILD_FS_CACHE: undefined };

let runs = 0;

async function runOnce(script: string, command: Command, temperature: Temperature, cwd: string): Promise<Measurement> {
  const label = `${command.label} (${temperature})`;
  if (temperature === 'cold') await rm(join(cwd, 'node_modules', '.cache'), { recursive: true, force: true });
  // ETL_BENCH_CPU_PROF=<dir> profiles every run (see cpu-profile-args.ts): where the start-up time goes.
  const nodeArgs = cpuProfileArgs(`startup ${command.label} ${temperature} ${++runs}`);
  const measurement = assertSucceeded(label, await measureChild({ script, args: command.args, cwd, env: ENV, nodeArgs }));
  if (!command.expect.test(measurement.stdout)) throw new Error(`${label} printed no ${command.expect}:\n${measurement.stdout.slice(-2000)}`);
  return measurement;
}

/** `floorMs`: Node's own start-up here; what is above it is etl's, and it scales less with a busy machine. */
function figures(samples: readonly Measurement[], floorMs?: number): Figure[] {
  const wall = median(samples.map((s) => s.wallMs));
  return [
    { name: 'wall', value: Math.round(wall), unit: 'ms' },
    ...(floorMs === undefined ? [] : [{ name: 'above node', value: Math.round(wall - floorMs), unit: 'ms' }]),
    { name: 'min', value: Math.round(Math.min(...samples.map((s) => s.wallMs))), unit: 'ms' },
    { name: 'CPU', value: Math.round(median(samples.map((s) => s.cpuMs))), unit: 'ms' },
    { name: 'peak RSS', value: Math.round(Math.max(...samples.map((s) => s.maxRssBytes)) / MB), unit: 'MB' },
  ];
}

function row(caseName: string, samples: readonly Measurement[], floorMs?: number, validateGoal?: Temperature): BenchRow {
  const wall = Math.round(median(samples.map((s) => s.wallMs)));
  return {
    benchmark: NAME,
    case: caseName,
    figures: figures(samples, floorMs),
    goal: validateGoal ? goal(`${validateGoal} wall ms (median)`, '<=', GOAL_VALIDATE_MS, wall) : undefined,
    note: validateGoal === 'cold' ? `the ${GOAL_VALIDATE_MS} ms goal is for warm runs; cold is shown against it for reference` : undefined,
  };
}

export const benchmark: Benchmark = async ({ smoke }) => {
  const coldRuns = smoke ? 1 : 5;
  const warmRuns = smoke ? 3 : 15;
  const dir = join(repoRoot, '.tmp', `bench-startup-${process.pid}`);
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await copyFile(join(repoRoot, 'etl.config.ts'), join(dir, 'etl.config.ts'));
  try {
    // The floor: Node itself starting an empty module, under the same preload and measurement.
    const empty = join(dir, 'empty.mjs');
    await writeFile(empty, '');
    const nodeOnly: Command = { label: 'node (empty module)', args: [], expect: /^/ };

    const cold = new Map<string, Measurement[]>(COMMANDS.map((c) => [c.label, []]));
    const warm = new Map<string, Measurement[]>([nodeOnly, ...COMMANDS].map((c) => [c.label, []]));
    // Rounds interleave the commands, so a noisy neighbour on this shared machine hits them all alike.
    for (let round = 0; round < coldRuns; round++) {
      for (const command of COMMANDS) cold.get(command.label)?.push(await runOnce(cli, command, 'cold', dir));
    }
    for (const command of COMMANDS) await runOnce(cli, command, 'warm', dir); // fills the caches; not measured
    for (let round = 0; round < warmRuns; round++) {
      warm.get(nodeOnly.label)?.push(await runOnce(empty, nodeOnly, 'warm', dir));
      for (const command of COMMANDS) warm.get(command.label)?.push(await runOnce(cli, command, 'warm', dir));
    }

    const goalOf = (command: Command, temperature: Temperature) => (command.label === 'etl validate' ? temperature : undefined);
    const floor = warm.get(nodeOnly.label) ?? [];
    const floorMs = median(floor.map((s) => s.wallMs));
    return [
      row(`${nodeOnly.label}, median of ${warmRuns}`, floor),
      ...COMMANDS.flatMap((command) => [
        row(`${command.label} cold, median of ${coldRuns}`, cold.get(command.label) ?? [], floorMs, goalOf(command, 'cold')),
        row(`${command.label} warm, median of ${warmRuns} after 1`, warm.get(command.label) ?? [], floorMs, goalOf(command, 'warm')),
      ]),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
