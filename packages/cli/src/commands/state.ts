import { createInterface } from 'node:readline/promises';
import { loadConfig, openStateStore, UsageError } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';
import { UserError } from '../user-error.js';

/** `etl state show|reset <pipeline> [partition]`: inspect or forget checkpoints and bookmarks. */
export async function stateCommand(args: CliArgs, io: CliIo): Promise<number> {
  const [action, pipeline, partition, ...extra] = args.rest;
  if ((action !== 'show' && action !== 'reset') || !pipeline || extra.length > 0) {
    throw new UsageError('usage: etl state show <pipeline> [partition] | etl state reset <pipeline> [partition]');
  }
  const { config } = await loadConfig({ configFile: args.config, cwd: io.cwd });
  if (!config.pipelines.some((p) => p.name === pipeline)) {
    throw new UsageError(`unknown pipeline '${pipeline}'; pipelines in ${config.file}: ${config.pipelines.map((p) => p.name).join(', ')}`);
  }
  const store = await openStateStore(config);

  if (action === 'reset') {
    const which = `pipeline '${pipeline}'${partition !== undefined ? ` (${partition})` : ''}`;
    const count = partition !== undefined
      ? ((await store.getTaskState(pipeline, partition)) !== undefined ? 1 : 0)
      : (await store.listTaskStates(pipeline)).length;
    if (count === 0) {
      writeLine(io.stdout, `No state for ${which} in ${store.location}; nothing to forget.`);
      return EXIT.ok;
    }
    const what = `the state of ${count} partition(s) of ${which}`;
    if (!args.yes) {
      if (!isTerminal(io)) throw new UserError(`etl state reset: would forget ${what}; not on a terminal, so pass --yes to confirm`);
      if (!(await confirm(io, `Forget ${what}? [y/N] `))) {
        writeLine(io.stdout, 'Nothing forgotten.');
        return EXIT.ok;
      }
    }
    const removed = await store.resetTaskState(pipeline, partition);
    writeLine(io.stdout, `Forgot the state of ${removed} partition(s) of ${which} in ${store.location}.`);
    return EXIT.ok;
  }

  const states = partition !== undefined
    ? [{ partition, state: await store.getTaskState(pipeline, partition) }].filter((s) => s.state !== undefined)
    : await store.listTaskStates(pipeline);
  if (args.json) {
    writeLine(io.stdout, JSON.stringify(states, null, 2));
    return EXIT.ok;
  }
  if (states.length === 0) {
    writeLine(io.stdout, `No state for ${pipeline}${partition ? ` / ${partition}` : ''} in ${store.location}.`);
    return EXIT.ok;
  }
  for (const { partition: key, state } of states) {
    writeLine(io.stdout, `${pipeline} / ${key}`);
    if (state?.lastStatus) writeLine(io.stdout, `  last run     ${state.lastRunId ?? '?'}: ${state.lastStatus}`);
    if (state?.checkpoint) {
      const cp = state.checkpoint;
      writeLine(io.stdout, `  checkpoint   run ${cp.runId}: ${cp.chunks} chunk(s), ${cp.records} record(s), ${cp.pages} page(s), next cursor ${cp.cursor ?? '(start)'}`);
    }
    if (state?.bookmark !== undefined) writeLine(io.stdout, `  bookmark     ${JSON.stringify(state.bookmark)} (run ${state.bookmarkRunId ?? '?'})`);
  }
  return EXIT.ok;
}

/** A person can answer: both stdout and stdin are terminals. */
function isTerminal(io: CliIo): io is CliIo & { stdin: NodeJS.ReadableStream } {
  return io.stdout.isTTY === true && (io.stdin as { isTTY?: boolean } | undefined)?.isTTY === true;
}

async function confirm(io: CliIo & { stdin: NodeJS.ReadableStream }, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: false });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
