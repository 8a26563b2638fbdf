/** Where the CLI writes; injectable so commands can be tested in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  /** For questions on a terminal (`etl init`). */
  readonly stdin?: NodeJS.ReadableStream | undefined;
  readonly cwd: string;
  /** Cancels a run (Ctrl-C); the CLI wires SIGINT to it. */
  readonly signal?: AbortSignal | undefined;
}

export const EXIT = { ok: 0, taskFailed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
