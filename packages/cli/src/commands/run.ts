import type { RunEvent, RunSummary } from '@etl/core';
import { loadConfig, planTasks, runPipelines, selectedPipelines, UsageError, type RunOptions } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';
import { describePlan, planText } from '../render/describe-plan.js';
import { ListrProgress } from '../render/listr-renderer.js';
import { plainLine } from '../render/plain-renderer.js';
import { summaryText } from '../render/summary-text.js';
import { loadQueueRunner } from './queue-runner.js';

/** Runs the selected tasks; exit 0 when all succeed, 1 when any failed, 130 when interrupted. */
export async function runCommand(args: CliArgs, io: CliIo): Promise<number> {
  // Before the config: a missing queue runner is known without it.
  const queue = args.queue !== undefined && !args.dryRun ? { url: args.queue, runner: await loadQueueRunner('etl run --queue') } : undefined;
  const { config } = await loadConfig({ configFile: args.config, cwd: io.cwd });
  const selection = { pipelines: args.pipelines, partitions: args.partitions };
  const tasks = planTasks(config, selection);

  if (args.dryRun) {
    const plan = describePlan(config, tasks);
    writeLine(io.stdout, args.json ? JSON.stringify({ dryRun: true, ...plan }, null, 2) : `${planText(plan)}\n\nDry run: nothing was fetched or written.`);
    return EXIT.ok;
  }

  let onEvent: (event: RunEvent) => void = () => undefined;
  let progress: ListrProgress | undefined;
  if (!args.json) {
    if (io.stdout.isTTY) {
      progress = new ListrProgress(selectedPipelines(config, selection).map((p) => p.name));
      progress.start();
      onEvent = (event) => progress?.handle(event);
    } else {
      onEvent = (event) => {
        const line = plainLine(event);
        if (line) writeLine(io.stdout, line);
      };
    }
  }

  if (args.resume && args.retryFailed) throw new UsageError('use either --resume or --retry-failed');
  const resume = args.retryFailed ? 'failed' : args.resume ? 'unfinished' : undefined;
  if (resume && (args.pipelines.length > 0 || args.partitions.length > 0)) {
    throw new UsageError('--resume and --retry-failed continue the latest run as it was selected; drop --pipeline/--partition');
  }

  let summary: RunSummary;
  try {
    const options: RunOptions = { ...selection, onEvent, signal: io.signal, resume };
    const onNotice = (message: string) => writeLine(io.stderr, `etl: ${message}`);
    summary = queue ? await queue.runner.runOnQueue(config, { ...options, queueUrl: queue.url, onNotice }) : await runPipelines(config, options);
  } finally {
    await progress?.finish();
  }

  writeLine(io.stdout, args.json ? JSON.stringify(summary, null, 2) : summaryText(summary));
  // A selected partition the upstream did not give is a mistake in the command line, as with static ones.
  const notFound = summary.errors.filter((e) => e.code === 'PARTITION_NOT_FOUND');
  for (const error of notFound) writeLine(io.stderr, `etl: ${error.message}`);
  if (notFound.length > 0) return EXIT.usage;
  if (summary.status === 'aborted') return EXIT.interrupted;
  return summary.status === 'succeeded' ? EXIT.ok : EXIT.taskFailed;
}
