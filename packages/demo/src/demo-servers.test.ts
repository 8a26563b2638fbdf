// `etl-demo servers` as a user runs it: the environment it prints is enough to reach both servers.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/etl-demo.js');

describe('etl-demo servers', () => {
  it('prints export lines that reach the AppView and the S3 server, and stops on SIGINT with exit 0', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'etl-demo-servers-'));
    const child = spawn(process.execPath, [bin, 'servers', '--data', 'out'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => stdout.includes('# Running') && resolve());
        child.once('exit', (code) => reject(new Error(`etl-demo servers exited with ${code}`)));
      });
      const env = Object.fromEntries(stdout.split('\n').filter((l) => l.startsWith('export ')).map((l) => l.slice('export '.length).split(/=(.*)/s).slice(0, 2) as [string, string]));
      expect(Object.keys(env).sort()).toEqual(['ATPROTO_SERVICE', 'AWS_ACCESS_KEY_ID', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'ETL_BUCKET', 'ETL_STARTER_PACK', 'S3_ENDPOINT']);

      const pack = await fetch(`${env.ATPROTO_SERVICE}/xrpc/app.bsky.graph.getStarterPack?starterPack=${encodeURIComponent(env.ETL_STARTER_PACK ?? '')}`);
      expect(pack.status).toBe(200);
      expect(((await pack.json()) as { starterPack: { uri: string } }).starterPack.uri).toBe(env.ETL_STARTER_PACK);

      const s3 = new S3Client({
        endpoint: env.S3_ENDPOINT,
        region: env.AWS_REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
      });
      await s3.send(new PutObjectCommand({ Bucket: env.ETL_BUCKET, Key: 'hello.txt', Body: 'hi' }));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: env.ETL_BUCKET }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['hello.txt']);
      s3.destroy();

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
