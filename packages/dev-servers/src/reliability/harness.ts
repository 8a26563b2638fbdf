// Shared helpers for the reliability tests: spawning the real `etl` binary inside the workspace `.tmp/`
// folder (so configs resolve @etl/* like an installed project) and a seeded, order-independent fault picker.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const etlBin = join(workspaceRoot, 'packages/cli/bin/etl.js');

/** A fresh project folder under `<workspace>/.tmp/`. */
export async function scratchDir(name: string): Promise<string> {
  const dir = join(workspaceRoot, '.tmp', `reliability-${process.pid}`, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function writeProjectFile(dir: string, name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

export interface EtlOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `etl` binary in `cwd` with `env` on top of the current environment. */
export function runEtl(cwd: string, args: readonly string[], env: Record<string, string>): Promise<EtlOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [etlBin, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** FNV-1a over a string, then a mulberry32 step: a deterministic [0, 1) per (seed, identity). */
export function seededUnit(seed: number, identity: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < identity.length; i++) {
    h ^= identity.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let t = (h + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
