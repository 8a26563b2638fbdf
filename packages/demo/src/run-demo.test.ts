// The demo as a user runs it: the package's bin, in a child process, with no terminal.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoDataset } from './demo-dataset.js';
import type { DemoReport } from './demo-report.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/etl-demo.js');

function etlDemo(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('etl-demo', () => {
  it('runs the example pipeline non-interactively, state and data under --data, and its DuckDB report matches the dataset', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'etl-demo-'));
    try {
      const result = await etlDemo(['--data', 'out'], cwd);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Run \S+ succeeded: 21\/21 task\(s\) succeeded, 2662 record\(s\)/);
      const report = JSON.parse(await readFile(join(cwd, 'out/report.json'), 'utf8')) as DemoReport;
      const demo = demoDataset();
      expect(report.members).toBe(20);
      expect(report.posts).toBe(demo.actors.reduce((n, a) => n + a.posts.length, 0));
      const expected = demo.actors.filter((a) => a.posts.length > 0).map((a) => ({ author: a.handle, posts: a.posts.length }));
      expect([...report.postsPerAuthor].sort((a, b) => a.author.localeCompare(b.author))).toEqual(expected.sort((a, b) => a.author.localeCompare(b.author)));
      const links = new Map<string, number>();
      for (const post of demo.actors.flatMap((a) => a.posts)) {
        for (const facet of post.record.facets ?? []) for (const f of facet.features) if ('uri' in f && typeof f.uri === 'string') links.set(new URL(f.uri).hostname, (links.get(new URL(f.uri).hostname) ?? 0) + 1);
      }
      const top = [...links].map(([domain, n]) => ({ domain, links: n })).sort((a, b) => b.links - a.links || a.domain.localeCompare(b.domain)).slice(0, 5);
      expect(report.topDomains).toEqual(top);
      // The run's state sits beside the data, not in the package.
      const runFiles = await readdir(join(cwd, 'out/.etl/runs'));
      expect(runFiles).toHaveLength(1);
      const run = JSON.parse(await readFile(join(cwd, 'out/.etl/runs', runFiles[0] ?? ''), 'utf8')) as { status: string };
      expect(run.status).toBe('succeeded');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses unknown commands and flags with exit 2', async () => {
    const cwd = tmpdir();
    const unknown = await etlDemo(['serve'], cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("etl-demo: unknown command 'serve' (expected nothing or 'servers')");
    const flag = await etlDemo(['--bucket', 'x'], cwd);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("etl-demo: Unknown option '--bucket'");
    const help = await etlDemo(['--help'], cwd);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('etl-demo servers [--data DIR]');
  });
});
