import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestBsky, TestNetwork, TestOzone, TestPds, TestPlc } from '@atproto/dev-env';
import type { TestServerParams } from '@atproto/dev-env';
import { findPostgresBinDir } from './postgres.js';
import { fastTempRoot, makeOwnedTempDir, removeDir, sweepStaleTempDirs } from './temp-dirs.js';

const execFileAsync = promisify(execFile);

export interface StartTestNetworkOptions {
  /** PostgreSQL for the AppView and Ozone, e.g. `startPostgres().url`. */
  readonly postgresUrl: string;
  /** Base of the schema names (`appview_<s>`, `ozone_<s>`); letters and `_` only. Default: a random unique one. */
  readonly schema?: string | undefined;
  /** Where to create the PDS's data dir. Default: /dev/shm when it is a roomy tmpfs, else the OS temp dir. */
  readonly dataRoot?: string | undefined;
  /** Passed on to TestNetwork.create (e.g. `pds: { rateLimitsEnabled: true }`). */
  readonly params?: Partial<Omit<TestServerParams, 'dbPostgresUrl' | 'dbPostgresSchema'>> | undefined;
}

/** A running @atproto/dev-env network (PLC + PDS + AppView + Ozone, in process). */
export interface StartedTestNetwork {
  readonly network: TestNetwork;
  /** The AppView (`network.bsky.url`): app.bsky.* reads. */
  readonly appviewUrl: string;
  /** The PDS: com.atproto.repo.* reads, writes. */
  readonly pdsUrl: string;
  /** The PLC directory: DID documents. */
  readonly plcUrl: string;
  readonly schema: string;
  /** Where the PDS keeps its SQLite files and blobs (TMPDIR while the network runs); removed by close(). */
  readonly dataDir: string;
  /** Closes every server, drops the network's schemas and deletes its files. Safe to call twice. */
  close(): Promise<void>;
}

/** Schemas dev-env creates for a network with `dbPostgresSchema: s` (`close()` leaves them behind). */
export function networkSchemas(schema: string): string[] {
  return [`appview_${schema}`, `bsync_${schema}`, `ozone_${schema}`];
}

/** A schema base dev-env accepts (letters and `_` only, digits are rejected) and no other run will pick. */
export function uniqueSchemaName(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return `etl_${Array.from({ length: 12 }, () => letters[randomInt(letters.length)]).join('')}`;
}

/**
 * Starts `TestNetwork.create` with a unique schema, the PDS's files in a temp dir of their own (dev-env puts
 * them under `os.tmpdir()`, so TMPDIR points there while the network runs) and REDIS_HOST set if it is not
 * (dev-env asserts it but never connects). On Node 20 this needs @atproto/dev-env 0.3.x.
 */
export async function startTestNetwork(options: StartTestNetworkOptions): Promise<StartedTestNetwork> {
  const schema = options.schema ?? uniqueSchemaName();
  if (!/^[a-z_]+$/i.test(schema)) throw new Error(`schema must be letters and _ only (dev-env rejects digits): ${schema}`);
  sweepStaleTempDirs();
  const dataDir = await makeOwnedTempDir('net', options.dataRoot ?? fastTempRoot());
  const saved = { TMPDIR: process.env['TMPDIR'], REDIS_HOST: process.env['REDIS_HOST'] };
  process.env['TMPDIR'] = dataDir;
  process.env['REDIS_HOST'] ??= 'localhost';
  const restoreEnv = () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  // Every step runs whatever failed before it; the first failure is reported.
  const cleanUp = async () => {
    restoreEnv();
    const results = await Promise.allSettled([dropSchemas(options.postgresUrl, networkSchemas(schema)), removeDir(dataDir)]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  };

  let network: TestNetwork;
  const started: Closable[] = [];
  try {
    trackServerCreation();
    network = await startedServers.run(started, () =>
      TestNetwork.create({ ...options.params, dbPostgresUrl: options.postgresUrl, dbPostgresSchema: schema }),
    );
  } catch (error) {
    // Close what had started (else its listening sockets keep the process alive), then drop and delete.
    await Promise.allSettled(started.reverse().map((server) => server.close()));
    await cleanUp().catch(() => undefined);
    throw explained(error);
  }
  let closing: Promise<void> | undefined;
  return {
    network,
    appviewUrl: network.bsky.url,
    pdsUrl: network.pds.url,
    plcUrl: network.plc.url,
    schema,
    dataDir,
    close: () => {
      closing ??= (async () => {
        let failure: unknown;
        try {
          await network.close();
        } catch (error) {
          failure = error;
        }
        await cleanUp();
        if (failure !== undefined) throw failure;
      })();
      return closing;
    },
  };
}

interface Closable {
  close(): Promise<void>;
}

/** The servers TestNetwork.create has started so far, per call (it gives nothing back when it fails halfway). */
const startedServers = new AsyncLocalStorage<Closable[]>();
let tracking = false;

/** Wraps dev-env's server factories once, so that each records what it started in the calling create's list. */
function trackServerCreation(): void {
  if (tracking) return;
  tracking = true;
  const track = <A extends unknown[], S extends Closable>(factory: { create(...args: A): Promise<S> }) => {
    const create = factory.create.bind(factory);
    factory.create = async (...args: A): Promise<S> => {
      const server = await create(...args);
      startedServers.getStore()?.push(server);
      return server;
    };
  };
  track(TestPlc);
  track(TestPds);
  track(TestBsky);
  track(TestOzone);
}

/** Adds the way out to failures whose cause is the machine rather than the network. */
function explained(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/NODE_MODULE_VERSION/.test(message)) {
    return new Error(
      `The PDS's better-sqlite3 addon was built for another Node.js than this one (${process.version}). Run these tests on ` +
        'the Node that installed the dependencies, or rebuild the addon for this one (`node-gyp rebuild --release` in the better-sqlite3 ' +
        'package with this node first on PATH; offline, add --nodedir=<this Node\'s install dir, which has include/node>).\n' +
        message,
      { cause: error },
    );
  }
  return error;
}

/** DROP SCHEMA ... CASCADE through psql (found like the server binaries, else on PATH). */
export async function dropSchemas(postgresUrl: string, schemas: readonly string[]): Promise<void> {
  let psql = 'psql';
  try {
    psql = join(findPostgresBinDir(), 'psql');
  } catch {
    // fall back to PATH
  }
  const statement = `SET client_min_messages = warning; ` + schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE;`).join(' ');
  await execFileAsync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', postgresUrl, '-c', statement], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  });
}
