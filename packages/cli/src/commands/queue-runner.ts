import { UsageError } from '@etl/core/host';

type QueueRunner = typeof import('@etl/runner-bullmq');

const PACKAGE = '@etl/runner-bullmq';

/**
 * Loads the queue runner for `etl run --queue` and `etl worker`. It is an optional peer of the CLI: most
 * users never scale out, so they do not install BullMQ, ioredis and msgpackr for it. Without it, those
 * commands say exactly what to install instead of failing on a module lookup.
 */
export async function loadQueueRunner(command: string, specifier: string = PACKAGE): Promise<QueueRunner> {
  try {
    return (await import(specifier)) as QueueRunner;
  } catch (error) {
    if (isMissing(error, specifier)) {
      throw new UsageError(`${command} needs the queue runner, which is not installed: npm install ${PACKAGE} (it brings bullmq and ioredis)`);
    }
    throw error;
  }
}

/** The package itself is missing (not one of its own imports, which is a broken install worth its stack). */
function isMissing(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${specifier}'`);
}
