// One measured `etl run` of an author-feed job: the real CLI (bin/etl.js) in its own process, on a config
// written into a fresh temp directory (so its local state starts empty), with piped, non-TTY output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3Environment, writeAuthorFeedConfig, type AuthorFeedJob } from './author-feed-config.js';
import { assertSucceeded, measureChild, type Measurement } from './measure-child.js';

// The CLI's bin (not an export of @etl/cli): beside the dist its main export resolves to.
const etlBin = fileURLToPath(new URL('../bin/etl.js', import.meta.resolve('@etl/cli')));

/** Runs the job; throws (with the CLI's output) unless it exits 0. `nodeArgs`, e.g. `--cpu-prof`, for profiling. */
export async function measureEtlRun(label: string, job: AuthorFeedJob, nodeArgs: readonly string[] = []): Promise<Measurement> {
  const directory = await mkdtemp(join(tmpdir(), 'etl-bench-run-'));
  try {
    const config = await writeAuthorFeedConfig(directory, job);
    const measurement = await measureChild({ script: etlBin, args: ['run', '--config', config], env: s3Environment(job.s3), cwd: directory, nodeArgs });
    return assertSucceeded(label, measurement);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
