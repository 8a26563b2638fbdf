import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommandLine } from '../main.js';

const here = dirname(fileURLToPath(import.meta.url));
export const workspaceRoot = resolve(here, '../../../..');
export const fixturePlugins = join(here, 'fixture-plugins.ts');
export const etlBin = join(workspaceRoot, 'packages/cli/bin/etl.js');

export interface TempProject {
  readonly dir: string;
  readonly out: string;
  write(name: string, content: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** A project folder outside the workspace whose node_modules links @etl/core, as an installed one would. */
export async function tempProject(): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), 'etl-cli-'));
  await mkdir(join(dir, 'node_modules/@etl'), { recursive: true });
  await symlink(join(workspaceRoot, 'packages/core'), join(dir, 'node_modules/@etl/core'));
  const out = join(dir, 'out');
  return {
    dir,
    out,
    async write(name, content) {
      const file = join(dir, name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs the CLI in-process with captured output. */
export async function cli(argv: string[], cwd: string, signal?: AbortSignal) {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(argv, {
    cwd,
    signal,
    stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
  });
  return { code, stdout, stderr };
}

/** An etl.config.ts using the fixture plugins; `pipelines` is spliced in as TS source. */
export function configSource(pipelines: string, out: string, extra = ''): string {
  return `import { defineConfig } from '@etl/core';
import { countingSource, fileSink } from ${JSON.stringify(fixturePlugins)};
const out = ${JSON.stringify(out)};
export default defineConfig({
  ${extra}
  pipelines: ${pipelines},
});
`;
}
