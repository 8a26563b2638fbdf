// Where the awscli the read-back tests use is: AWS_CLI when set (and only it), else an `aws` on PATH (pip,
// pyenv, Homebrew), else Debian's /usr/bin/aws. scripts/provision-test-tools.mjs looks in the same order and installs Debian's
// awscli when none answers.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const DEBIAN_AWS = '/usr/bin/aws';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function candidates(env: NodeJS.ProcessEnv, debianPath: string): string[] {
  const onPath = (env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'aws'));
  return env['AWS_CLI'] ? [env['AWS_CLI']] : [...new Set([...onPath, debianPath])];
}

/**
 * The first candidate that runs (`aws --version` exits 0: a pyenv shim for a Python without awscli is
 * executable but answers 127), or an error saying how to get one.
 */
export function awsCliBinary(env: NodeJS.ProcessEnv = process.env, debianPath = DEBIAN_AWS): string {
  const tried = candidates(env, debianPath);
  const found = tried.find((path) => isExecutable(path) && spawnSync(path, ['--version'], { stdio: 'ignore', env }).status === 0);
  if (found === undefined) {
    throw new Error(
      `awscli not found (tried ${tried.join(', ')}): run \`node scripts/provision-test-tools.mjs\` (as root it installs Debian's awscli), or point AWS_CLI at an aws binary; the read-back tests read the sink's objects with it`,
    );
  }
  return found;
}
