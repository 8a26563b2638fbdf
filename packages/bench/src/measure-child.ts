// Runs a Node script in its own process and measures it from outside (wall time) and inside (CPU, peak
// RSS through child-usage.ts), so servers and the harness never count towards the figures.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildUsage } from './child-usage.js';

export interface MeasureRequest {
  readonly script: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

export interface Measurement extends ChildUsage {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const preload = fileURLToPath(new URL('./child-usage.js', import.meta.url));

export async function measureChild(request: MeasureRequest): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'etl-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  try {
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [...(request.nodeArgs ?? []), '--import', preload, request.script, ...(request.args ?? [])], {
        cwd: request.cwd,
        env: { ...process.env, ...request.env, ETL_BENCH_USAGE_FILE: usageFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    const wallMs = performance.now() - started;
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as ChildUsage;
    return { ...usage, cpuMs: usage.cpuUserMs + usage.cpuSystemMs, wallMs, exitCode: code, stdout, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Throws with the child's output when it did not exit 0: a failed run must never become a figure. */
export function assertSucceeded(label: string, measurement: Measurement): Measurement {
  if (measurement.exitCode !== 0) {
    throw new Error(`${label} exited with ${measurement.exitCode}\n--- stdout\n${measurement.stdout.slice(-4000)}\n--- stderr\n${measurement.stderr.slice(-4000)}`);
  }
  return measurement;
}

export const MB = 1024 * 1024;
