import { runCommandLine } from './main.js';
import { EXIT } from './io.js';

export { runCommandLine } from './main.js';
export type { CliIo } from './io.js';
export { EXIT } from './io.js';

/**
 * The `etl` binary: wires the process (streams, signals) to the command line. The first SIGINT (Ctrl-C) or
 * SIGTERM aborts in-flight tasks (their sinks abort, nothing half-written stays, the run record says
 * "aborted" so `etl run --resume` continues it) and exits 130 or 143; a second signal exits at once.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const exitCodeOf = (signal: NodeJS.Signals) => (signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(exitCodeOf(received));
    received = signal;
    process.stderr.write(`\netl: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}; aborting running tasks (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to exit now)\n`);
    controller.abort(new DOMException(`Interrupted (${signal})`, 'AbortError'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await runCommandLine(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), signal: controller.signal });
    return received ? exitCodeOf(received) : code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
