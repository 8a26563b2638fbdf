import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every directory this package creates starts with this, under the OS temp dir. */
export const TEMP_PREFIX = 'etl-atproto-testnet-';
const OWNER_FILE = 'owner.pid';

/** Room a tmpfs must have to be used for the PDS's files (Docker's default /dev/shm is only 64 MB). */
const MIN_TMPFS_BYTES = 512 * 1024 * 1024;

/**
 * Where to put files that are written a lot and thrown away: /dev/shm when it is a writable tmpfs with room
 * (the PDS creates one SQLite file per account; on tmpfs account creation is ~2x faster), else the OS temp dir.
 */
export function fastTempRoot(): string {
  const shm = '/dev/shm';
  try {
    accessSync(shm, constants.W_OK | constants.X_OK);
    const stats = statfsSync(shm);
    if (stats.bavail * stats.bsize >= MIN_TMPFS_BYTES) return shm;
  } catch {
    // no usable /dev/shm
  }
  return tmpdir();
}

/** A fresh temp dir marked with this process's pid, so that a later run can remove it if this process dies. */
export async function makeOwnedTempDir(kind: string, root: string = tmpdir()): Promise<string> {
  const dir = await mkdtemp(join(root, `${TEMP_PREFIX}${kind}-`));
  await writeFile(join(dir, OWNER_FILE), `${process.pid}\n`);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

export function removeDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
    // Best effort at process exit.
  }
}

/**
 * Removes what earlier runs left behind when their process died before cleaning up (a crash, a SIGKILL):
 * only our own directories, only when their owner process is gone, and first stops a PostgreSQL server still
 * running from one (normally it dies with its parent already).
 */
export function sweepStaleTempDirs(): void {
  for (const root of new Set([tmpdir(), fastTempRoot()])) sweepRoot(root);
}

function sweepRoot(root: string): void {
  let entries: string[];
  try {
    entries = readdirSync(root).filter((name) => name.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(root, name);
    const owner = readPid(join(dir, OWNER_FILE));
    if (owner === undefined || owner === process.pid || isAlive(owner)) continue;
    const postmaster = readPid(join(dir, 'data', 'postmaster.pid'));
    if (postmaster !== undefined && isAlive(postmaster)) {
      try {
        process.kill(postmaster, 'SIGQUIT');
      } catch {
        continue; // not ours to stop: leave the directory alone
      }
    }
    removeDirSync(dir);
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
