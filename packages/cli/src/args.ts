import { parseArgs } from 'node:util';

export const COMMANDS = ['run', 'worker', 'validate', 'check', 'list', 'runs', 'state', 'schema', 'init'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command | undefined;
  readonly config: string | undefined;
  readonly pipelines: string[];
  readonly partitions: string[];
  readonly dryRun: boolean;
  readonly resume: boolean;
  readonly retryFailed: boolean;
  /** `run --queue` / `worker --queue`: the Redis URL of the BullMQ queues. */
  readonly queue: string | undefined;
  /** `worker --concurrency N`: tasks of each group this worker runs at once. */
  readonly concurrency: number | undefined;
  /** Positional arguments after the command (e.g. `state show <pipeline> [partition]`). */
  readonly rest: string[];
  /** `schema --markdown`: the config reference instead of the JSON Schema. */
  readonly markdown: boolean;
  /** `schema --plugin <module>`: plugin modules to describe. */
  readonly plugins: string[];
  /** `init` answers given as flags. */
  readonly init: { readonly name?: string | undefined; readonly bucket?: string | undefined; readonly starterPack?: string | undefined; readonly yes: boolean };
  /** `-y, --yes`: do without asking (`init`: the defaults; `state reset`: the deletion). */
  readonly yes: boolean;
  readonly json: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

/**
 * A command line that cannot be parsed. Not @etl/core's UsageError, so that parsing (hence `etl --help`)
 * needs no @etl/core; it carries the same code and is reported the same way (report-error.ts).
 */
export class ArgumentError extends Error {
  readonly code = 'USAGE';
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
        resume: { type: 'boolean' },
        plugin: { type: 'string', multiple: true },
        markdown: { type: 'boolean' },
        name: { type: 'string' },
        bucket: { type: 'string' },
        'starter-pack': { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'retry-failed': { type: 'boolean' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new ArgumentError((error as Error).message);
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
    throw new ArgumentError(`unknown command '${command}'; commands: ${COMMANDS.join(', ')}`);
  }
  if (extra.length > (command === 'init' ? 1 : 0) && command !== 'state') throw new ArgumentError(`unexpected argument '${extra[0]}'`);
  const { values } = parsed;
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ArgumentError(`--concurrency must be a whole number of at least 1, found '${values.concurrency}'`);
  }
  if (command === 'worker' && values.queue === undefined) throw new ArgumentError('worker needs --queue redis://host:port (the Redis that `etl run --queue` uses)');
  if (values.queue !== undefined && command !== 'run' && command !== 'worker') throw new ArgumentError('--queue applies to `run` and `worker` only');
  if (concurrency !== undefined && command !== 'worker') throw new ArgumentError('--concurrency applies to `worker` only (a run\'s limits are in its config)');
  return {
    command: command as Command | undefined,
    config: values.config,
    pipelines: values.pipeline ?? [],
    partitions: values.partition ?? [],
    dryRun: values['dry-run'] ?? false,
    resume: values.resume ?? false,
    retryFailed: values['retry-failed'] ?? false,
    queue: values.queue,
    concurrency,
    rest: extra,
    plugins: values.plugin ?? [],
    markdown: values.markdown ?? false,
    init: { name: values.name, bucket: values.bucket, starterPack: values['starter-pack'], yes: values.yes ?? false },
    yes: values.yes ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

export const HELP = `Usage: etl <command> [options]

Commands:
  run                                Run the pipelines of the config (all, or those selected)
  worker --queue <redis-url>         Run tasks of \`etl run --queue\` runs on this machine until stopped
  validate                           Check the config and every plugin's options; no network call
  check                              Test every source and sink of the config for reachability and
                                     credentials, writing nothing; one line per plugin, exit 0 or 1
  list                               Show pipelines, partitions, groups and the task plan
  runs                               Show the run history (newest first)
  state show <pipeline> [partition]  Show checkpoints and bookmarks
  state reset <pipeline> [partition] [-y]
                                     Forget checkpoints and bookmarks (next run starts from scratch);
                                     asks on a terminal, needs -y/--yes elsewhere
  schema [--plugin <module>]... [--markdown]
                                     Print the JSON Schema of JSON/YAML configs (default: built-in plugins),
                                     or with --markdown the config reference (docs/config-reference.md)
  init [dir] [--name N] [--bucket B] [--starter-pack URI] [-y]
                                     Scaffold a project in an empty directory, or add etl to the project
                                     in it (asks on a terminal unless -y); \`etl init --help\` says more

Options:
  -c, --config <file>     Config file (default: search etl.config.{ts,mts,js,mjs,cjs,json,yaml,yml},
                          .etlrc*, package.json#etl from the working directory up to the project root)
  -p, --pipeline <name>   Only this pipeline (repeatable); pipelines it takes partitions from come along
      --partition <key>   Only this partition (repeatable)
      --resume            run: continue the latest run, running only its unfinished tasks
      --retry-failed      run: continue the latest run, running its unfinished and failed tasks
      --dry-run           run: validate and print the plan, fetch nothing
      --queue <url>       run: enqueue the tasks on BullMQ in this Redis (redis://host:port[/db]) for
                          \`etl worker\` processes to run, and follow them to the end
      --concurrency <n>   worker: tasks of each concurrency group run at once (default: the config's
                          global limit; never more than a group's limit)
      --json              Machine-readable output instead of text
  -h, --help              Show this help
  -v, --version           Show the version

Exit codes: 0 ok, 1 a task failed, 2 config or usage error (or the pipeline is locked by another run),
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
`;

export const INIT_HELP = `Usage: etl init [dir] [--name N] [--bucket B] [--starter-pack URI] [-y]

In an empty or new directory (default: the working directory), scaffolds a project:
  package.json    @etl/cli, @etl/core, @etl/source-atproto, @etl/sink-s3 at this CLI's version, TypeScript,
                  and the scripts typecheck, validate, plan (etl run --dry-run) and start (etl run)
  etl.config.ts   starter pack -> member feeds into S3 as NDJSON; the environment picks the AppView,
                  starter pack, bucket and S3 endpoint (Bluesky + AWS, MinIO/R2, or \`npx @etl/demo servers\`)
  tsconfig.json   under which the config type-checks (npx tsc --noEmit)
  .gitignore      node_modules/, .etl/ (local run state), demo-data/
In a directory with a package.json, adds etl to that project: the config, a tsconfig.json if it has none,
the .gitignore lines and the scripts it lacks, and prints the npm install line for what is missing.
An existing etl config is never overwritten.

Options:
  --name <name>           package name of a new project (default: the directory's name)
  --bucket <bucket>       default bucket in the config (default: raw; ETL_BUCKET overrides it at run time)
  --starter-pack <uri>    default starter pack (AT-URI; ETL_STARTER_PACK overrides it at run time)
  -y, --yes               ask nothing (on a terminal, init asks for what the flags left out)
  -h, --help              show this help
`;
