// The real AT Protocol reference servers for a test file: a throwaway PostgreSQL, @atproto/dev-env's PLC,
// PDS and AppView (@etl/atproto-testnet), seeded with the known dataset; and a memory sink made with the
// public plugin API. Needs the PostgreSQL server binaries and Node 20 (dev-env's native addon).
import { defineSink } from '@etl/core';
import { seedReferenceData, startPostgres, startTestNetwork } from '@etl/atproto-testnet';
import type { PostgresServer, ReferenceData, SeedOptions, StartedTestNetwork } from '@etl/atproto-testnet';

export interface ReferenceNetwork {
  readonly testnet: StartedTestNetwork;
  readonly data: ReferenceData;
  /** Closes the network, then stops PostgreSQL. */
  close(): Promise<void>;
}

/** Starts PostgreSQL and the network and seeds it; on a failure, whatever was started is stopped again. */
export async function startReferenceNetwork(seed: SeedOptions = {}): Promise<ReferenceNetwork> {
  let postgres: PostgresServer | undefined;
  let testnet: StartedTestNetwork | undefined;
  const close = async () => {
    const closing = testnet?.close();
    testnet = undefined;
    try {
      await closing;
    } finally {
      const stopping = postgres?.stop();
      postgres = undefined;
      await stopping;
    }
  };
  try {
    postgres = await startPostgres();
    testnet = await startTestNetwork({ postgresUrl: postgres.url });
    const data = await seedReferenceData(testnet.network, seed);
    return { testnet, data, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** A sink made with defineSink that keeps each task's committed records under `<pipeline>/<partition>`. */
export function referenceMemorySink(records: Map<string, unknown[]>) {
  const sink = defineSink({
    name: 'test.referenceMemorySink',
    options: { type: 'object', additionalProperties: false, properties: {} } as const,
    create: () => ({
      open: async (task) => {
        const buffer: unknown[] = [];
        return {
          write: async (page: readonly unknown[]) => {
            buffer.push(...page);
          },
          commit: async () => {
            records.set(`${task.pipeline}/${task.partition}`, buffer);
            return { outputs: [{ location: `memory:${task.pipeline}/${task.partition}`, records: buffer.length }] };
          },
          abort: async () => undefined,
        };
      },
    }),
  });
  return sink({});
}
