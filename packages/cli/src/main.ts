import { readFileSync } from 'node:fs';
import { HELP, INIT_HELP, parseCliArgs, type CliArgs } from './args.js';
import { loadCommand } from './commands/load-command.js';
import { EXIT, writeLine, type CliIo } from './io.js';

/**
 * Runs one `etl` command and returns its exit code; never calls process.exit itself. Imports nothing
 * heavy itself: each command loads what it needs (commands/load-command.ts), so `etl --help` starts
 * about as fast as node does.
 */
export async function runCommandLine(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return reportError(error, io);
  }
  if (args.version) {
    writeLine(io.stdout, version());
    return EXIT.ok;
  }
  if (args.help && args.command === 'init') {
    io.stdout.write(INIT_HELP);
    return EXIT.ok;
  }
  if (args.help || !args.command) {
    (args.help ? io.stdout : io.stderr).write(HELP);
    return args.help ? EXIT.ok : EXIT.usage;
  }
  try {
    const command = await loadCommand(args.command);
    return await command(args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/** Loaded on failure only: telling errors apart needs @etl/core's error classes. */
async function reportError(error: unknown, io: CliIo): Promise<number> {
  return (await import('./report-error.js')).reportError(error, io);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
