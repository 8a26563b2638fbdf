// Runs the real `etl` binary (built) as a separate process: `etl worker` and `etl run --queue` are what
// users run, on as many machines as they like; here they are processes on one machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
// By path, not as a dependency: the CLI depends on this package (an optional peer), so a dependency back
// would be a cycle. The root `tsc -b` builds it before any test runs.
const etlBin = join(workspaceRoot, 'packages/cli/bin/etl.js');

export interface WorkerLine {
  readonly at: string;
  readonly type: string;
  readonly taskId?: string;
  readonly jobId?: string;
  readonly page?: number;
}

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: WorkerLine[];
  /** Resolves with the first line (already seen or to come) that matches. */
  waitFor(match: (line: WorkerLine) => boolean, timeoutMs?: number): Promise<WorkerLine>;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

export function startWorkerProcess(name: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): WorkerProcess {
  const child = spawn(process.execPath, [etlBin, 'worker', '--json', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: WorkerLine[] = [];
  const waiters: { match: (line: WorkerLine) => boolean; resolve: (line: WorkerLine) => void }[] = [];
  let buffer = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as WorkerLine;
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    lines,
    exited,
    stderr: () => errors,
    waitFor: (match, timeoutMs = 60_000) => {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${name}: no matching line within ${timeoutMs} ms; stderr:\n${errors}`)), timeoutMs);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
  };
}

export interface EtlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const running = new Set<ChildProcess>();

/** Kills every `etl run` still running (a failed test must not leave a run feeding the next test's workers). */
export function killRuns(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function runEtl(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<EtlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [etlBin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
}
