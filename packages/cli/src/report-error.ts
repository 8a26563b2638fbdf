import { EtlError } from '@etl/core';
import { ConfigError, UsageError } from '@etl/core/host';
import { EXIT, writeLine, type CliIo } from './io.js';

/** Writes what went wrong for the user and returns the exit code it calls for. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof ConfigError || isCode(error, 'CONFIG_INVALID')) {
    writeLine(io.stderr, (error as Error).message);
    return EXIT.usage;
  }
  if (isCode(error, 'USER_INPUT')) {
    writeLine(io.stderr, (error as Error).message);
    return EXIT.usage;
  }
  if (isCode(error, 'STATE_LOCKED')) {
    writeLine(io.stderr, `etl: ${(error as Error).message}`);
    return EXIT.usage;
  }
  if (error instanceof UsageError || isCode(error, 'USAGE')) {
    writeLine(io.stderr, `etl: ${(error as Error).message}`);
    writeLine(io.stderr, "Run 'etl --help' for usage.");
    return EXIT.usage;
  }
  const message = error instanceof EtlError ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLine(io.stderr, `etl: unexpected error: ${message}`);
  return EXIT.taskFailed;
}

// The config may load a second copy of @etl/core (through jiti), so errors are matched by code too.
function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
