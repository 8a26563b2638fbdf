import { readFileSync } from 'node:fs';
import { ConfigError, EtlError, UsageError } from '@etl/core';
import { HELP, parseCliArgs, type CliArgs } from './args.js';
import { listCommand } from './commands/list.js';
import { runsCommand } from './commands/runs.js';
import { stateCommand } from './commands/state.js';
import { schemaCommand } from './commands/schema.js';
import { initCommand } from './commands/init.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, writeLine, type CliIo } from './io.js';

/** Runs one `etl` command and returns its exit code; never calls process.exit itself. */
export async function runCommandLine(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return fail(error, io);
  }
  if (args.version) {
    writeLine(io.stdout, version());
    return EXIT.ok;
  }
  if (args.help || !args.command) {
    (args.help ? io.stdout : io.stderr).write(HELP);
    return args.help ? EXIT.ok : EXIT.usage;
  }
  try {
    switch (args.command) {
      case 'run':
        return await runCommand(args, io);
      case 'validate':
        return await validateCommand(args, io);
      case 'list':
        return await listCommand(args, io);
      case 'runs':
        return await runsCommand(args, io);
      case 'state':
        return await stateCommand(args, io);
      case 'schema':
        return await schemaCommand(args, io);
      case 'init':
        return await initCommand(args, io);
    }
  } catch (error) {
    return fail(error, io);
  }
}

function fail(error: unknown, io: CliIo): number {
  if (error instanceof ConfigError || isCode(error, 'CONFIG_INVALID')) {
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

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
