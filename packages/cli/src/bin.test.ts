// The real `etl` binary (built dist, as installed) spawned on a temp project.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSource, etlBin, tempProject, type TempProject } from './test-support/temp-project.js';

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function etl(args: string[], cwd: string, onSpawn?: (child: ReturnType<typeof spawn>, out: { stdout: string }) => void): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [etlBin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
    onSpawn?.(child, out);
  });
}

let project: TempProject;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(async () => {
  await project.cleanup();
});

const pipelines = `{
  feeds: { source: countingSource({ records: 30, pageSize: 10 }), partitions: ['alice', 'bob'], sink: fileSink({ directory: out }), group: 'ingestion' },
  broken: { source: countingSource({ records: 30, failPartitions: ['carol'] }), partitions: ['carol'], sink: fileSink({ directory: out }) },
}`;
const extra = "concurrency: { limit: 2, groups: { ingestion: 1 } },";

describe('etl binary', () => {
  it('--version and --help exit 0; no command exits 2', async () => {
    const version = await etl(['--version'], project.dir);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await etl(['--help'], project.dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: etl <command>');
    const none = await etl([], project.dir);
    expect(none.code).toBe(2);
  });

  it('validate: 0 on a good config, 2 with file and path on a bad one', async () => {
    await project.write('etl.config.ts', configSource(pipelines, project.out, extra));
    const ok = await etl(['validate'], project.dir);
    expect(ok).toMatchObject({ code: 0, stdout: 'etl.config.ts is valid: 2 pipeline(s), 3 task(s)\n' });

    await project.write('etl.config.ts', configSource(pipelines.replace("group: 'ingestion'", "group: 'ingest'"), project.out, extra));
    const bad = await etl(['validate'], project.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("etl.config.ts: pipelines.feeds.group: unknown group 'ingest'");
  });

  it('list prints the plan', async () => {
    await project.write('etl.config.ts', configSource(pipelines, project.out, extra));
    const list = await etl(['list'], project.dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Plan: 3 task(s)');
    expect(list.stdout).toMatch(/1\. feeds\/alice {2}\[ingestion\]\n\s+2\. feeds\/bob {2}\[ingestion\]\n\s+3\. broken\/carol\n/);
  });

  it('run: exit 1 when a task fails, JSON summary on stdout, the good tasks committed', async () => {
    await project.write('etl.config.ts', configSource(pipelines, project.out, extra));
    const run = await etl(['run', '--json'], project.dir);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as { status: string; tasks: { taskId: string; status: string; records: number; error?: { code: string } }[] };
    expect(summary.status).toBe('failed');
    expect(summary.tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['feeds/alice', 'succeeded'],
      ['feeds/bob', 'succeeded'],
      ['broken/carol', 'failed'],
    ]);
    expect(summary.tasks[2]?.error?.code).toBe('Forbidden');
    expect(await readdir(join(project.out, 'feeds'))).toEqual(['alice.ndjson', 'bob.ndjson']);
    expect(await readdir(join(project.out, 'broken'))).toEqual([]);
    expect((await readFile(join(project.out, 'feeds/bob.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(30);
  });

  it('run: exit 0 and plain progress lines when stdout is not a TTY', async () => {
    await project.write('etl.config.ts', configSource(pipelines, project.out, extra));
    const run = await etl(['run', '--pipeline', 'feeds'], project.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[feeds/alice] page 3: 10 record(s) (30 in all)');
    expect(run.stdout).toContain('[feeds/bob] waiting for a slot in group ingestion (limit 1)');
    expect(run.stdout).toMatch(/Run \S+ succeeded: 2\/2 task\(s\) succeeded, 60 record\(s\)/);
  });

  it('Ctrl-C aborts in-flight tasks: exit 130, their sinks aborted, nothing half-written', async () => {
    await project.write('etl.config.ts', configSource(`{
      slow: { source: countingSource({ records: 100000, pageSize: 1, delayMs: 20 }), partitions: ['alice', 'bob'], sink: fileSink({ directory: out }) },
    }`, project.out, 'concurrency: { limit: 2 },'));
    const run = await etl(['run'], project.dir, (child, out) => {
      const timer = setInterval(() => {
        // Interrupt once both tasks are writing.
        if (out.stdout.includes('[slow/alice] page 3') && out.stdout.includes('[slow/bob] page 3')) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 20);
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('interrupted');
    expect(run.stdout).toContain('[slow/alice] aborted');
    expect(run.stdout).toContain('[slow/bob] aborted');
    expect(existsSync(join(project.out, 'slow'))).toBe(true);
    expect(await readdir(join(project.out, 'slow'))).toEqual([]);
  });

  it('SIGTERM aborts too (exit 143), records the run as aborted, and --resume finishes it', async () => {
    await project.write('etl.config.ts', configSource(`{
      slow: { source: countingSource({ records: 40, pageSize: 1, delayMs: 50 }), partitions: ['alice', 'bob'], sink: fileSink({ directory: out }) },
    }`, project.out));
    // Pages 50 ms apart: the signal lands while alice still has ~1.8 s to go, even on a loaded machine.
    const run = await etl(['run'], project.dir, (child, out) => {
      const timer = setInterval(() => {
        if (out.stdout.includes('[slow/alice] page 3')) {
          clearInterval(timer);
          child.kill('SIGTERM');
        }
      }, 10);
    });
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('terminated');
    const runs = await etl(['runs', '--json'], project.dir);
    expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ status: 'aborted', ok: 0 })]);
    const resumed = await etl(['run', '--resume', '--json'], project.dir);
    expect(resumed.code).toBe(0);
    expect((JSON.parse(resumed.stdout) as { tasks: { taskId: string; status: string }[] }).tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['slow/alice', 'succeeded'],
      ['slow/bob', 'succeeded'],
    ]);
    expect((await readFile(join(project.out, 'slow/bob.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(40);
  });
});
