import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startS3, type S3Server } from './index.js';

// Anonymous requests are enough here: s3rver only checks signatures when a request carries one.
describe('startS3', () => {
  const servers: S3Server[] = [];
  const start = async (...args: Parameters<typeof startS3>): Promise<S3Server> => {
    const server = await startS3(...args);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('serves the configured buckets on loopback and counts requests', async () => {
    const server = await start({ buckets: ['alpha'] });
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.requests).toBe(0);

    const put = await fetch(`${server.endpoint}/alpha/a/b.txt`, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(200);
    const get = await fetch(`${server.endpoint}/alpha/a/b.txt`);
    expect(await get.text()).toBe('hello');
    const missing = await fetch(`${server.endpoint}/beta/x`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('NoSuchBucket');

    expect(server.requests).toBe(3);
  });

  it('removes its own temp directory on close and frees the port', async () => {
    const server = await start();
    expect(existsSync(server.directory)).toBe(true);
    await server.close();
    expect(existsSync(server.directory)).toBe(false);
    await expect(fetch(`${server.endpoint}/`)).rejects.toThrow();
  });

  it('keeps a caller-supplied directory, so a restart sees the same data', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'etl-s3-test-'));
    try {
      const first = await start({ directory, buckets: ['kept'] });
      await fetch(`${first.endpoint}/kept/k`, { method: 'PUT', body: 'v1' });
      await first.close();
      expect(existsSync(directory)).toBe(true);

      const second = await start({ directory });
      expect(await (await fetch(`${second.endpoint}/kept/k`)).text()).toBe('v1');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('is silent', async () => {
    // s3rver logs through winston (console._stdout) and koa (console.error): a stand-in console catches both.
    const output: string[] = [];
    const recorder = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output.push(chunk.toString());
        callback();
      },
    });
    vi.stubGlobal('console', new Console({ stdout: recorder, stderr: recorder }));
    try {
      const server = await start({ buckets: ['quiet'] });
      await fetch(`${server.endpoint}/quiet/x`, { method: 'PUT', body: 'x' });
      await fetch(`${server.endpoint}/nope/x`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      vi.unstubAllGlobals();
    }
    expect(output).toEqual([]);
  });
});

