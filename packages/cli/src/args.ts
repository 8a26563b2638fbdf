import { parseArgs } from 'node:util';
import { UsageError } from '@etl/core';

export const COMMANDS = ['run', 'validate', 'list'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command | undefined;
  readonly config: string | undefined;
  readonly pipelines: string[];
  readonly partitions: string[];
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        pipeline: { type: 'string', short: 'p', multiple: true },
        partition: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command '${command}'; commands: ${COMMANDS.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const { values } = parsed;
  return {
    command: command as Command | undefined,
    config: values.config,
    pipelines: values.pipeline ?? [],
    partitions: values.partition ?? [],
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

export const HELP = `Usage: etl <command> [options]

Commands:
  run        Run the pipelines of the config (all, or those selected)
  validate   Check the config and every plugin's options; no network call
  list       Show pipelines, partitions, groups and the task plan

Options:
  -c, --config <file>     Config file (default: search etl.config.{ts,mts,js,mjs,cjs,json,yaml,yml},
                          .etlrc*, package.json#etl from the working directory up to the project root)
  -p, --pipeline <name>   Only this pipeline (repeatable)
      --partition <key>   Only this partition (repeatable)
      --dry-run           run: validate and print the plan, fetch nothing
      --json              Print a machine-readable summary (run) or plan (list) instead of text
  -h, --help              Show this help
  -v, --version           Show the version

Exit codes: 0 ok, 1 a task failed, 2 config or usage error, 130 interrupted (Ctrl-C).
`;
