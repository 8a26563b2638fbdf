import { runCommandLine } from './main.js';
import { EXIT } from './io.js';

export { runCommandLine } from './main.js';
export type { CliIo } from './io.js';
export { EXIT } from './io.js';

/**
 * The `etl` binary: wires the process (streams, Ctrl-C) to the command line. The first Ctrl-C aborts
 * in-flight tasks (their sinks abort, nothing half-written stays); a second one exits at once.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\netl: interrupted; aborting running tasks (Ctrl-C again to exit now)\n');
      controller.abort(new DOMException('Interrupted (SIGINT)', 'AbortError'));
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const code = await runCommandLine(argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal });
    return controller.signal.aborted ? EXIT.interrupted : code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
