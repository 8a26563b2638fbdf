import type { CliArgs, Command } from '../args.js';
import type { CliIo } from '../io.js';

export type CommandHandler = (args: CliArgs, io: CliIo) => Promise<number>;

/**
 * Imports only the module of the command being run: `etl validate` and `etl list` must not pay for what
 * `etl run` needs (listr2 and its renderers), nor `etl --help` for any of it. Start-up is most of what
 * those commands cost (see packages/bench/src/startup.ts).
 */
const LOADERS: Record<Command, () => Promise<CommandHandler>> = {
  run: async () => (await import('./run.js')).runCommand,
  worker: async () => (await import('./worker.js')).workerCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
  check: async () => (await import('./check.js')).checkCommand,
  list: async () => (await import('./list.js')).listCommand,
  runs: async () => (await import('./runs.js')).runsCommand,
  state: async () => (await import('./state.js')).stateCommand,
  schema: async () => (await import('./schema.js')).schemaCommand,
  init: async () => (await import('./init.js')).initCommand,
};

export function loadCommand(command: Command): Promise<CommandHandler> {
  return LOADERS[command]();
}
