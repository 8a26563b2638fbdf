// A throwaway redis-server on a free loopback port, with its data on disk (AOF) so that a test can stop
// and restart it mid-run and find the queues where they were, as a production Redis would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops Redis (SIGTERM: it writes its data) and starts it again on the same port and data. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'The queue runner tests need redis-server (Debian/Ubuntu: `apt-get install -y redis-server`; `node scripts/provision-test-tools.mjs` installs it when run as root), or REDIS_SERVER=/path/to/redis-server.';

/** REDIS_SERVER, else redis-server on PATH, else Debian's path (scripts/provision-test-tools.mjs looks in the same order). */
export function redisServerBinary(): string {
  const candidates = process.env.REDIS_SERVER ? [process.env.REDIS_SERVER] : ['redis-server', '/usr/bin/redis-server'];
  const found = candidates.find((binary) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0);
  if (found === undefined) throw new Error(`redis-server not found (tried ${candidates.join(', ')}). ${INSTALL_HINT}`);
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function launch(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--protected-mode', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startRedis(): Promise<TestRedis> {
  const binary = redisServerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'etl-redis-'));
  const port = await freePort();
  let child = await launch(binary, port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async (downMs = 0) => {
      await stopped(child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch(binary, port, dir);
    },
    stop: async () => {
      await stopped(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
