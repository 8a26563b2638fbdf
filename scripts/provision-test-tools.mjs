#!/usr/bin/env node
// The system tools the test suite drives as real parts, found or installed before any test runs. Both the
// README's test line (`pnpm test`) and .ci/run call this one script, so what a newcomer's machine gets and
// what CI gets cannot drift apart.
//
// A tool counts as found where the tests themselves look for it (the same order, kept beside each finder):
// an explicit environment variable, then PATH, then Debian's own path. Missing tools are installed with
// apt-get when this runs as root on a system that has it; otherwise this prints the one command to run and
// exits 1, before a test starts, instead of letting tests fail one by one.
//
// Plain .mjs with no dependencies: it runs before `pnpm install` has built anything, on Node 20.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);

/**
 * The tool named by its environment variable when that is set (only it: a wrong explicit setting is
 * reported, not quietly replaced), else the first candidate that answers `--version` with exit 0 (a pyenv
 * shim for a Python without the tool is executable but answers 127).
 */
const firstRunnable = (explicit, candidates) => {
  for (const path of explicit ? [explicit] : candidates) {
    if (path === undefined || !isExecutable(path)) continue;
    const probe = spawnSync(path, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return { path, version: `${probe.stdout}${probe.stderr}`.trim().split('\n')[0] };
  }
  return undefined;
};

const POSTGRES_ROOT = '/usr/lib/postgresql';
const hasPostgresServer = (dir) => ['initdb', 'postgres', 'psql'].every((name) => isExecutable(join(dir, name)));

/** Mirrors findPostgresBinDir in packages/atproto-testnet/src/postgres.ts. */
const findPostgres = () => {
  const explicit = process.env.POSTGRES_BIN_DIR;
  if (explicit) return hasPostgresServer(explicit) ? { path: explicit } : undefined;
  const versions = existsSync(POSTGRES_ROOT) ? readdirSync(POSTGRES_ROOT).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const debian = versions.map((v) => join(POSTGRES_ROOT, v, 'bin')).find(hasPostgresServer);
  if (debian) return { path: debian };
  const initdb = onPath('initdb');
  const dir = initdb && join(initdb, '..');
  return dir && hasPostgresServer(dir) ? { path: dir } : undefined;
};

const isRoot = process.getuid?.() === 0;

const TOOLS = [
  {
    // Mirrors awsCliBinary in packages/sink-s3/src/test-support/aws-cli.ts.
    name: 'aws',
    env: 'AWS_CLI',
    why: 'an independent S3 client that reads back what the S3 sink wrote',
    apt: 'awscli',
    find: () => firstRunnable(process.env.AWS_CLI, [onPath('aws'), '/usr/bin/aws']),
  },
  {
    name: 'PostgreSQL server',
    env: 'POSTGRES_BIN_DIR',
    why: 'the AppView of the real AT Protocol reference servers',
    apt: 'postgresql',
    find: findPostgres,
  },
  {
    // Mirrors redisServerBinary in packages/runner-bullmq/src/test-support/redis-server.ts.
    name: 'redis-server',
    env: 'REDIS_SERVER',
    why: "the queue runner's tests start their own Redis servers",
    apt: 'redis-server',
    find: () => firstRunnable(process.env.REDIS_SERVER, [onPath('redis-server'), '/usr/bin/redis-server']),
  },
  {
    // PostgreSQL refuses to run as root: as root, the tests start it as the postgres user through setpriv.
    name: 'setpriv',
    why: 'starts PostgreSQL as the postgres user when the tests run as root',
    apt: 'util-linux',
    needed: isRoot,
    find: () => firstRunnable(undefined, [onPath('setpriv'), '/usr/bin/setpriv']),
  },
];

const wanted = TOOLS.filter((tool) => tool.needed !== false);
const missing = () => wanted.filter((tool) => tool.find() === undefined);

const fail = (message) => {
  console.error(`provision-test-tools: ${message}`);
  process.exit(1);
};

let absent = missing();
const misdirected = absent.filter((tool) => tool.env && process.env[tool.env]);
if (misdirected.length > 0) {
  fail(misdirected.map((tool) => `${tool.env}=${process.env[tool.env]} is not a working ${tool.name}`).join('; ') + ': fix or unset it');
}
if (absent.length > 0) {
  const packages = [...new Set(absent.map((tool) => tool.apt))];
  const names = absent.map((tool) => `${tool.name} (${tool.why})`).join('; ');
  const aptGet = onPath('apt-get');
  if (!aptGet) {
    fail(`missing ${names}. Install them with your system's package manager (Debian/Ubuntu: apt-get install -y ${packages.join(' ')}), or set AWS_CLI, POSTGRES_BIN_DIR, REDIS_SERVER to where they are.`);
  }
  if (!isRoot) {
    fail(`missing ${names}. Run: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`);
  }
  console.log(`provision-test-tools: installing ${packages.join(' ')} with apt-get (missing: ${absent.map((tool) => tool.name).join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
    const result = spawnSync(aptGet, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) fail(`\`apt-get ${args.join(' ')}\` exited with ${result.status ?? result.signal}`);
  }
  absent = missing();
  if (absent.length > 0) fail(`still missing after apt-get install: ${absent.map((tool) => tool.name).join(', ')}`);
}

for (const tool of wanted) {
  const found = tool.find();
  console.log(`provision-test-tools: ${tool.name}: ${found.path}${found.version ? ` (${found.version})` : ''}`);
}
