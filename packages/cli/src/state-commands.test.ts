import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommandLine } from './main.js';
import { cli, configSource, tempProject, type TempProject } from './test-support/temp-project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(async () => {
  await project.cleanup();
});

describe('run history, resume and state', () => {
  it('etl runs lists runs; --retry-failed continues the latest run; state show/reset', async () => {
    await project.write('etl.config.ts', configSource(`{
      feeds: { source: countingSource({ records: 12, pageSize: 5, failPartitions: process.env.ETL_TEST_FAIL ? ['bob'] : [] }), partitions: ['alice', 'bob'], sink: fileSink({ directory: out }) },
    }`, project.out));
    process.env.ETL_TEST_FAIL = '1';
    const first = await cli(['run', '--json'], project.dir);
    delete process.env.ETL_TEST_FAIL;
    expect(first.code).toBe(1);
    const runId = (JSON.parse(first.stdout) as { runId: string }).runId;

    const runs = await cli(['runs'], project.dir);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`${runId}\\s+\\S+ \\S+\\s+\\d+\\.\\ds\\s+failed\\s+1\\s+1\\s+0\\s+0\\s+12`));

    const resumeNothing = await cli(['run', '--resume'], project.dir);
    expect(resumeNothing.code).toBe(2);
    expect(resumeNothing.stderr).toContain('use --retry-failed');

    const retry = await cli(['run', '--retry-failed', '--json'], project.dir);
    expect(retry.code).toBe(0);
    const retried = JSON.parse(retry.stdout) as { runId: string; tasks: { taskId: string; status: string }[] };
    expect(retried.runId).toBe(runId);
    expect(retried.tasks.map((t) => [t.taskId, t.status])).toEqual([['feeds/bob', 'succeeded']]);
    expect((await readFile(join(project.out, 'feeds/bob.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(12);

    const history = JSON.parse((await cli(['runs', '--json'], project.dir)).stdout) as { runId: string; status: string; attempts: number; ok: number }[];
    expect(history).toEqual([expect.objectContaining({ runId, status: 'succeeded', attempts: 2, ok: 2 })]);

    const show = await cli(['state', 'show', 'feeds'], project.dir);
    expect(show.stdout).toContain('feeds / alice');
    expect(show.stdout).toContain(`last run     ${runId}: succeeded`);
    const reset = await cli(['state', 'reset', 'feeds', 'alice', '--yes'], project.dir);
    expect(reset.stdout).toContain("Forgot the state of 1 partition(s) of pipeline 'feeds' (alice)");
    expect((await cli(['state', 'show', 'feeds', 'alice'], project.dir)).stdout).toContain('No state for feeds / alice');
    expect((await cli(['state', 'show', 'nope'], project.dir)).code).toBe(2);
  });

  it('etl list shows a pipeline fed by another', async () => {
    await project.write('etl.config.ts', configSource(`{
      members: { source: countingSource({ records: 3 }), partitions: ['pack'], sink: fileSink({ directory: out }) },
      feeds: { source: countingSource({ records: 2 }), partitions: fromPipeline('members', (r: { n: number }) => 'member' + r.n), sink: fileSink({ directory: out }) },
    }`, project.out).replace("import { defineConfig } from '@etl/core';", "import { defineConfig, fromPipeline } from '@etl/core';"));
    const list = await cli(['list'], project.dir);
    expect(list.stderr).toBe('');
    expect(list.stdout).toContain('partitions from the records of pipeline members (known once it has run)');
    expect(list.stdout).toContain('then feeds: one task per partition key from members, after all of its tasks succeed');
    const run = await cli(['run', '--json'], project.dir);
    expect((JSON.parse(run.stdout) as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toEqual(['members/pack', 'feeds/member0', 'feeds/member1', 'feeds/member2']);
  });
});

describe('etl state reset asks first', () => {
  const twoPartitions = () => configSource(`{
      feeds: { source: countingSource({ records: 3 }), partitions: ['alice', 'bob'], sink: fileSink({ directory: out }) },
    }`, project.out);
  // Where the state store says it is: relative to the process's working directory, which is not the project's.
  const loc = () => join(project.dir, '.etl');
  const partitionsWithState = async () => (JSON.parse((await cli(['state', 'show', 'feeds', '--json'], project.dir)).stdout) as { partition: string }[]).map((s) => s.partition);

  /** The CLI in-process on a fake terminal: stdout and stdin are TTYs, `answer` is typed after the question. */
  async function onTerminal(argv: string[], answer: string) {
    let stdout = '';
    let stderr = '';
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdoutStream = Object.assign(new Writable({
      write(chunk, _encoding, done) {
        stdout += String(chunk);
        if (stdout.includes('[y/N] ')) stdin.write(`${answer}\n`);
        done();
      },
    }), { isTTY: true });
    const code = await runCommandLine(argv, {
      cwd: project.dir,
      stdin,
      stdout: stdoutStream,
      stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
    });
    return { code, stdout, stderr };
  }

  beforeEach(async () => {
    await project.write('etl.config.ts', twoPartitions());
    expect((await cli(['run'], project.dir)).code).toBe(0);
    expect(await partitionsWithState()).toEqual(['alice', 'bob']);
  });

  it('off a terminal, without --yes: exit 2 saying so, nothing deleted', async () => {
    const all = await cli(['state', 'reset', 'feeds'], project.dir);
    expect(all).toEqual({
      code: 2,
      stdout: '',
      stderr: "etl state reset: would forget the state of 2 partition(s) of pipeline 'feeds'; not on a terminal, so pass --yes to confirm\n",
    });
    const one = await cli(['state', 'reset', 'feeds', 'alice'], project.dir);
    expect(one).toEqual({
      code: 2,
      stdout: '',
      stderr: "etl state reset: would forget the state of 1 partition(s) of pipeline 'feeds' (alice); not on a terminal, so pass --yes to confirm\n",
    });
    expect(await partitionsWithState()).toEqual(['alice', 'bob']);
  });

  it('with --yes (or -y): deletes and says how many partitions were forgotten', async () => {
    const one = await cli(['state', 'reset', 'feeds', 'alice', '-y'], project.dir);
    expect(one).toEqual({ code: 0, stdout: `Forgot the state of 1 partition(s) of pipeline 'feeds' (alice) in ${loc()}.\n`, stderr: '' });
    expect(await partitionsWithState()).toEqual(['bob']);
    const all = await cli(['state', 'reset', '--yes', 'feeds'], project.dir);
    expect(all).toEqual({ code: 0, stdout: `Forgot the state of 1 partition(s) of pipeline 'feeds' in ${loc()}.\n`, stderr: '' });
    expect(await partitionsWithState()).toEqual([]);
  });

  it('with no state to forget: says so and asks nothing', async () => {
    await cli(['state', 'reset', 'feeds', '--yes'], project.dir);
    expect(await cli(['state', 'reset', 'feeds'], project.dir)).toEqual({ code: 0, stdout: `No state for pipeline 'feeds' in ${loc()}; nothing to forget.\n`, stderr: '' });
  });

  it('on a terminal: asks, and deletes only on yes', async () => {
    const declined = await onTerminal(['state', 'reset', 'feeds'], '');
    expect(declined).toEqual({ code: 0, stdout: "Forget the state of 2 partition(s) of pipeline 'feeds'? [y/N] Nothing forgotten.\n", stderr: '' });
    expect(await partitionsWithState()).toEqual(['alice', 'bob']);

    const one = await onTerminal(['state', 'reset', 'feeds', 'bob'], 'y');
    expect(one).toEqual({ code: 0, stdout: `Forget the state of 1 partition(s) of pipeline 'feeds' (bob)? [y/N] Forgot the state of 1 partition(s) of pipeline 'feeds' (bob) in ${loc()}.\n`, stderr: '' });
    expect(await partitionsWithState()).toEqual(['alice']);

    const all = await onTerminal(['state', 'reset', 'feeds'], 'yes');
    expect(all.stdout).toBe(`Forget the state of 1 partition(s) of pipeline 'feeds'? [y/N] Forgot the state of 1 partition(s) of pipeline 'feeds' in ${loc()}.\n`);
    expect(await partitionsWithState()).toEqual([]);
  });
});
