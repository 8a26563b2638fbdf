import { afterEach, describe, expect, it, vi } from 'vitest';
import { createS3Client } from './s3-client.js';

const REGION_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];
const saved = new Map(REGION_ENV.map((name) => [name, process.env[name]]));

function isolateEnv(overrides: Record<string, string>): void {
  for (const name of REGION_ENV) delete process.env[name];
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  Object.assign(process.env, overrides);
}

afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('createS3Client', () => {
  it('falls back to us-east-1 when the SDK chain finds no region', async () => {
    isolateEnv({});
    const client = createS3Client({});
    expect(await client.config.region()).toBe('us-east-1');
    client.destroy();
  });

  it('prefers the region of the SDK chain, and the option over both', async () => {
    isolateEnv({ AWS_REGION: 'eu-central-1' });
    const fromEnv = createS3Client({});
    const fromOption = createS3Client({ region: 'ap-south-1' });
    expect(await fromEnv.config.region()).toBe('eu-central-1');
    expect(await fromOption.config.region()).toBe('ap-south-1');
    fromEnv.destroy();
    fromOption.destroy();
  });

  it('retries as configured: attempts and mode reach the SDK', async () => {
    isolateEnv({});
    const client = createS3Client({ maxAttempts: 5, retryMode: 'adaptive' });
    expect(await client.config.maxAttempts()).toBe(5);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    client.destroy();
  });

  it('sends only required checksums to a custom endpoint, the SDK default to AWS', async () => {
    isolateEnv({});
    const compatible = createS3Client({ endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
    const aws = createS3Client({});
    expect(await compatible.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await compatible.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(compatible.config.forcePathStyle).toBe(true);
    expect(await aws.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    compatible.destroy();
    aws.destroy();
  });
});

describe('request timeouts', () => {
  it('a server that accepts the connection and never answers fails the request instead of hanging', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined); // never responds
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as import('node:net').AddressInfo;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const client = createS3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 300 });
    const { HeadBucketCommand } = await import('@aws-sdk/client-s3');
    // Without the timeout this hangs until vitest's own test timeout fails it.
    await expect(client.send(new HeadBucketCommand({ Bucket: 'never' }))).rejects.toThrow(/timed out|timeout|ETIMEDOUT|socket/i);
    client.destroy();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    vi.unstubAllEnvs();
  });
});
