import { loadConfig, planTasks } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';

/** Loads and checks the config (envelope, plugin options, groups, partitions) without any network call. */
export async function validateCommand(args: CliArgs, io: CliIo): Promise<number> {
  const { config } = await loadConfig({ configFile: args.config, cwd: io.cwd });
  const tasks = planTasks(config, { pipelines: args.pipelines, partitions: args.partitions });
  if (args.json) {
    writeLine(io.stdout, JSON.stringify({ valid: true, file: config.file, pipelines: config.pipelines.length, tasks: tasks.length }));
  } else {
    writeLine(io.stdout, `${config.file} is valid: ${config.pipelines.length} pipeline(s), ${tasks.length} task(s)`);
  }
  return EXIT.ok;
}
