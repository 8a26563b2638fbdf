import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { faultLabel, writeS3Fault, type S3Faults } from './s3-faults.js';
import { describeS3Request, type S3Request } from './s3-request.js';

export interface StartS3Options {
  /** Where s3rver keeps buckets; a fresh temp directory (removed on close) when absent. */
  readonly directory?: string;
  /** Buckets to create before the server accepts requests. */
  readonly buckets?: readonly string[];
  /** Only 0 (a free port): fixed ports make parallel test runs collide. */
  readonly port?: 0;
  /** Consulted for every request before s3rver sees it: 503 SlowDown, 500, resets, denied keys, ... */
  readonly faults?: S3Faults;
}

/** A request as logged by the server, with the fault it was answered with (if any). */
export interface S3LoggedRequest extends S3Request {
  readonly fault?: string;
}

/** What a client needs to reach the server; the credentials are the only ones s3rver accepts. */
export interface S3Connection {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface S3Server extends S3Connection {
  readonly directory: string;
  /** HTTP requests received so far, so a test can assert that nothing was sent. */
  readonly requests: number;
  /** Every request so far, classified, with the injected fault if any. */
  readonly requestLog: readonly S3LoggedRequest[];
  close(): Promise<void>;
}

/**
 * Starts s3rver on loopback, behind a layer of our own that logs every request (`requestLog`) and answers
 * chosen ones with S3 faults (`faults`: 503 SlowDown, 500, 403, connection resets) or holds them for a while. Truncated ListObjectsV2 (more than MaxKeys keys) answers 500 unless the
 * process runs with NODE_OPTIONS=--openssl-legacy-provider (see platform notes).
 */
export async function startS3(options: StartS3Options = {}): Promise<S3Server> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'etl-s3rver-')));
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  await s3rver.configureBuckets();

  // Our own server in front of s3rver's handler: it counts and classifies requests and injects faults.
  const handler = s3rver.callback();
  const requestLog: S3LoggedRequest[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const described = describeS3Request(req);
    const identity = `${described.operation} ${described.bucket ?? ''}/${described.key ?? ''} ${described.partNumber ?? ''}`;
    const count = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, count);
    const request: S3Request = { ...described, n: requestLog.length + 1, seen: count };
    const fault = options.faults?.(request);
    requestLog.push(fault === undefined ? request : { ...request, fault: faultLabel(fault) });
    if (fault === undefined) handler(req, res);
    else if ('until' in fault) {
      const answer = (): void => void handler(req, res);
      fault.until.then(answer, answer);
    } else writeS3Fault(req, res, fault);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    // SDK clients keep connections alive; without this, close() would wait for their idle timeout.
    server.closeAllConnections();
    await stopped;
    s3rver.logger.close();
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    directory,
    get requests() {
      return requestLog.length;
    },
    requestLog,
    close: () => (closed ??= close()),
  };
}
