import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { awsCliBinary } from './aws-cli.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A directory holding an executable `aws` that exits with `code`. */
async function fakeAws(code: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'etl-aws-'));
  dirs.push(dir);
  await writeFile(join(dir, 'aws'), `#!/bin/sh\nexit ${code}\n`, { mode: 0o755 });
  return dir;
}

describe('awsCliBinary', () => {
  it('finds an aws on PATH, skipping one that does not run (a pyenv shim without awscli)', async () => {
    const shim = await fakeAws(127);
    const real = await fakeAws(0);
    expect(awsCliBinary({ PATH: `${shim}:${real}` })).toBe(join(real, 'aws'));
  });

  it('takes AWS_CLI when set, and only it', async () => {
    const onPath = await fakeAws(0);
    const explicit = await fakeAws(0);
    expect(awsCliBinary({ PATH: onPath, AWS_CLI: join(explicit, 'aws') })).toBe(join(explicit, 'aws'));
    expect(() => awsCliBinary({ PATH: onPath, AWS_CLI: '/nonexistent/aws' })).toThrow('awscli not found (tried /nonexistent/aws)');
  });

  it('says how to get one when none runs', async () => {
    const shim = await fakeAws(127);
    const attempt = () => awsCliBinary({ PATH: shim }, '/nonexistent/usr/bin/aws');
    expect(attempt).toThrow(`awscli not found (tried ${join(shim, 'aws')}, /nonexistent/usr/bin/aws)`);
    expect(attempt).toThrow(/provision-test-tools/);
  });

  it("falls back to Debian's path", async () => {
    const debian = await fakeAws(0);
    expect(awsCliBinary({ PATH: '' }, join(debian, 'aws'))).toBe(join(debian, 'aws'));
  });
});
