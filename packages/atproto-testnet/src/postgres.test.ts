import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findPostgresBinDir, PostgresNotFoundError, startPostgres } from './postgres.js';

const execFileAsync = promisify(execFile);

describe('startPostgres', () => {
  it('starts a throwaway cluster on loopback that stop() shuts down and deletes', async () => {
    const server = await startPostgres();
    let stopped = false;
    try {
      expect(server.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const { stdout } = await execFileAsync(join(server.binDir, 'psql'), ['-X', '-At', '-d', server.url, '-c', 'show fsync; show listen_addresses']);
      expect(stdout.trim().split('\n')).toEqual(['off', '127.0.0.1']);
      expect(existsSync(join(server.dir, 'data', 'PG_VERSION'))).toBe(true);
      await server.stop();
      stopped = true;
      expect(existsSync(server.dir)).toBe(false);
      await expect(execFileAsync(join(server.binDir, 'psql'), ['-X', '-At', '-d', server.url, '-c', 'select 1'])).rejects.toThrow();
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('runs two clusters side by side on different ports', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.dir).not.toBe(b.dir);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('finds the server binaries through an initdb on PATH when the Debian layout has none', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'etl-pg-path-'));
    const savedPath = process.env['PATH'];
    try {
      for (const name of ['initdb', 'postgres', 'psql']) await writeFile(join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
      process.env['PATH'] = `/nonexistent-dir:${bin}`;
      expect(findPostgresBinDir(undefined, '/nonexistent/postgresql')).toBe(bin);
      process.env['PATH'] = '/nonexistent-dir';
      expect(() => findPostgresBinDir(undefined, '/nonexistent/postgresql')).toThrow(/initdb on PATH/);
    } finally {
      process.env['PATH'] = savedPath;
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('says how to install PostgreSQL when the binaries are missing', () => {
    const attempt = () => findPostgresBinDir('/nonexistent/postgresql/bin');
    expect(attempt).toThrow(PostgresNotFoundError);
    expect(attempt).toThrow(/apt-get install -y postgresql-15/);
  });
});
