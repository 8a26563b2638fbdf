import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { makeOwnedTempDir, removeDir, removeDirSync, sweepStaleTempDirs } from './temp-dirs.js';

const execFileAsync = promisify(execFile);

const POSTGRES_ROOT = '/usr/lib/postgresql';
const INSTALL_HINT =
  'Install the PostgreSQL server binaries (Debian/Ubuntu: `apt-get install -y postgresql-15`; any version >= 14 ' +
  'works), or point POSTGRES_BIN_DIR at the directory that holds initdb, postgres and psql.';

/** A throwaway PostgreSQL cluster; `stop()` shuts it down and deletes its files. */
export interface PostgresServer {
  /** e.g. `postgresql://postgres@127.0.0.1:38211/postgres` (trust auth, superuser `postgres`). */
  readonly url: string;
  readonly port: number;
  /** The temp dir holding the cluster (`data/`) and its Unix socket (`socket/`). */
  readonly dir: string;
  /** The PostgreSQL bin dir used (initdb, postgres, psql). */
  readonly binDir: string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Directory holding initdb/postgres/psql; default: POSTGRES_BIN_DIR, else the newest /usr/lib/postgresql/<v>/bin. */
  readonly binDir?: string | undefined;
  /** How long to wait for the server to accept connections. Default 30 s. */
  readonly startTimeoutMs?: number | undefined;
}

export class PostgresNotFoundError extends Error {
  override readonly name = 'PostgresNotFoundError';
}

/**
 * Finds the PostgreSQL server binaries: POSTGRES_BIN_DIR if set, else the highest version under
 * /usr/lib/postgresql/<version>/bin (Debian's layout; `initdb` is not on PATH there), else the directory of an
 * `initdb` on PATH (other distributions, Homebrew). Throws an actionable PostgresNotFoundError when there are
 * none. scripts/provision-test-tools.mjs looks in the same order.
 */
export function findPostgresBinDir(explicit: string | undefined = process.env['POSTGRES_BIN_DIR'], root = POSTGRES_ROOT): string {
  if (explicit !== undefined && explicit !== '') {
    if (!hasServerBinaries(explicit)) {
      throw new PostgresNotFoundError(`POSTGRES_BIN_DIR=${explicit} has no initdb/postgres/psql executables. ${INSTALL_HINT}`);
    }
    return explicit;
  }
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (hasServerBinaries(dir)) return dir;
  }
  const initdb = findOnPath('initdb', false);
  if (initdb !== undefined && hasServerBinaries(dirname(initdb))) return dirname(initdb);
  throw new PostgresNotFoundError(
    `PostgreSQL server binaries not found (looked for ${root}/*/bin/{initdb,postgres,psql} and initdb on PATH); the AT Protocol ` +
      `reference network's AppView needs PostgreSQL. ${INSTALL_HINT}`,
  );
}

function hasServerBinaries(dir: string): boolean {
  return ['initdb', 'postgres', 'psql'].every((name) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface RunAs {
  /** Prefix for short commands (initdb): runs them as the cluster owner. */
  readonly command: readonly string[];
  /** Prefix for the server: same user, and the server gets SIGINT (fast shutdown) if this process dies. */
  readonly server: readonly string[];
  readonly uid: number | undefined;
  readonly gid: number | undefined;
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` system user. */
function runAs(): RunAs {
  const setpriv = findOnPath('setpriv');
  if (process.getuid?.() !== 0) {
    return { command: [], server: setpriv ? [setpriv, '--pdeathsig=SIGINT', '--'] : [], uid: undefined, gid: undefined };
  }
  const user = readPasswd('postgres');
  if (user === undefined) {
    throw new PostgresNotFoundError(
      'Running as root, and PostgreSQL refuses to run as root, but there is no `postgres` system user to run it as. ' +
        INSTALL_HINT + ' (the Debian package creates the user), or run the tests as a non-root user.',
    );
  }
  if (setpriv === undefined) throw new PostgresNotFoundError('Running as root needs `setpriv` (util-linux) to start PostgreSQL as the postgres user.');
  const runuser = findOnPath('runuser');
  return {
    command: runuser ? [runuser, '-u', 'postgres', '--'] : [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--'],
    // setpriv execs (no intermediate process), so the server is our direct child and dies with us.
    server: [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--pdeathsig=SIGINT', '--'],
    uid: user.uid,
    gid: user.gid,
  };
}

function readPasswd(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === name) return { uid: Number(fields[2]), gid: Number(fields[3]) };
    }
  } catch {
    // no /etc/passwd: not a system we can run PostgreSQL on as root
  }
  return undefined;
}

function findOnPath(name: string, systemDirs = true): string | undefined {
  const path = (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  for (const dir of systemDirs ? path.concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']) : path) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** A port that was free a moment ago on 127.0.0.1 (the server start is retried if someone takes it meanwhile). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;
/** If the process exits without `stop()` (a crashed test run), still stop the servers and delete their files. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const { child, dir } of live) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      removeDirSync(dir);
    }
  });
}

/**
 * Starts a throwaway PostgreSQL cluster on a free loopback port: initdb (as the `postgres` user when running as
 * root) into a fresh temp dir, trust auth, fsync off, the socket in the same dir. About 1 s on a 2-core machine.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir(options.binDir ?? process.env['POSTGRES_BIN_DIR']);
  const as = runAs();
  sweepStaleTempDirs();
  const dir = await makeOwnedTempDir('pg');
  try {
    const dataDir = join(dir, 'data');
    const socketDir = join(dir, 'socket');
    await mkdir(socketDir);
    if (as.uid !== undefined && as.gid !== undefined) {
      await chown(dir, as.uid, as.gid);
      await chown(socketDir, as.uid, as.gid);
    }
    await run([...as.command, join(binDir, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C', '--no-instructions']);
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      try {
        const child = await launch(binDir, as, dataDir, socketDir, port, options.startTimeoutMs ?? 30_000);
        // A forgotten stop() must not keep the process alive: the exit hook below stops the server then.
        child.unref();
        (child.stderr as { unref?: () => void } | null)?.unref?.();
        const entry = { child, dir };
        live.add(entry);
        installExitHook();
        const exited = new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        });
        let stopping: Promise<void> | undefined;
        return {
          url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
          port,
          dir,
          binDir,
          stop: () => {
            stopping ??= (async () => {
              if (child.exitCode === null && child.signalCode === null) {
                child.kill('SIGINT'); // fast shutdown: disconnects clients, no waiting for them
                const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
                await exited;
                clearTimeout(timer);
              }
              live.delete(entry);
              await removeDir(dir);
            })();
            return stopping;
          },
        };
      } catch (error) {
        if (error instanceof PortTakenError && attempt < 5) continue;
        throw error;
      }
    }
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}

class PortTakenError extends Error {}

async function run(argv: readonly string[]): Promise<void> {
  const [file, ...args] = argv;
  try {
    await execFileAsync(file!, args, { encoding: 'utf8' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${argv.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`.trim(), { cause: error });
  }
}

function launch(binDir: string, as: RunAs, dataDir: string, socketDir: string, port: number, timeoutMs: number): Promise<ChildProcess> {
  const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'listen_addresses=127.0.0.1', 'max_connections=200'];
  const argv = [...as.server, join(binDir, 'postgres'), '-D', dataDir, '-p', String(port), '-k', socketDir, ...settings.flatMap((s) => ['-c', s])];
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(error);
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (settled) return; // keep draining the pipe, but the log is no longer needed
      log += chunk;
      if (log.includes('database system is ready to accept connections')) {
        settled = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('error', (error) => fail(new Error(`could not start ${argv.join(' ')}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      const message = `PostgreSQL exited before accepting connections (code ${code}, signal ${signal}):\n${log}`;
      fail(/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(log) ? new PortTakenError(message) : new Error(message));
    });
  });
}
