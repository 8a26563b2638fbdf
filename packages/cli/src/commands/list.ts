import { loadConfig, planTasks } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';
import { describePlan, planText } from '../render/describe-plan.js';

/** Pipelines, partitions, groups and the order tasks would start in. */
export async function listCommand(args: CliArgs, io: CliIo): Promise<number> {
  const { config } = await loadConfig({ configFile: args.config, cwd: io.cwd });
  const plan = describePlan(config, planTasks(config, { pipelines: args.pipelines, partitions: args.partitions }));
  writeLine(io.stdout, args.json ? JSON.stringify(plan, null, 2) : planText(plan));
  return EXIT.ok;
}
