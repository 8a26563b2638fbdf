import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Request } from './s3-request.js';

/**
 * What the fault layer answers instead of s3rver: an S3 error document with `status` and `code`, or a
 * connection reset (the socket is destroyed after the request body was read, before any response).
 */
export type S3Fault = S3ErrorFault | S3Reset | S3Hold | S3RawFault;

export interface S3ErrorFault {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A response that is not an S3 error document: `body` written verbatim under `status` and `headers`
 * (content-type `application/xml` unless they say otherwise), like a proxy's `Bad Gateway` or HTML page.
 * With `truncate`, the whole body is announced (Content-Length) but only its first half is written before
 * the connection is destroyed.
 */
export interface S3RawFault {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly truncate?: boolean;
}

export interface S3Reset {
  readonly reset: true;
}

/**
 * Not a fault: the request waits until `until` settles, then s3rver answers it as usual. Tests use it as a
 * barrier, to keep a task from finishing until others are running with it.
 */
export interface S3Hold {
  readonly until: Promise<unknown>;
}

/** Decides, per request, whether to inject a fault; `undefined` lets s3rver answer. */
export type S3Faults = (request: S3Request) => S3Fault | undefined;

/** The faults S3 itself produces, with the codes and messages AWS documents. */
export const s3Faults = {
  slowDown: (): S3ErrorFault => ({ status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' }),
  internalError: (): S3ErrorFault => ({ status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' }),
  accessDenied: (): S3ErrorFault => ({ status: 403, code: 'AccessDenied', message: 'Access Denied' }),
  reset: (): S3Reset => ({ reset: true }),
  /** A gateway's answer in front of S3: `status` with a body that is no S3 error document. */
  raw: (status: number, body: string, options: { headers?: Readonly<Record<string, string>>; truncate?: boolean } = {}): S3RawFault => ({ status, body, ...options }),
  hold: (until: Promise<unknown>): S3Hold => ({ until }),
} as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A short label for logs and assertions: the error code, `reset` or `held`. */
export function faultLabel(fault: S3Fault): string {
  if ('until' in fault) return 'held';
  if ('body' in fault) return `raw ${fault.status}${fault.truncate ? ' truncated' : ''}`;
  return 'reset' in fault ? 'reset' : fault.code;
}

/**
 * Answers with the fault. The request body is read to its end first, so the client always finishes
 * sending and then sees the fault, as with a real server that rejects after receiving the request.
 */
export function writeS3Fault(req: IncomingMessage, res: ServerResponse, fault: S3ErrorFault | S3Reset | S3RawFault): void {
  req.resume();
  req.once('end', () => {
    if ('reset' in fault) {
      req.socket.destroy();
      return;
    }
    if ('body' in fault) {
      writeRaw(req, res, fault);
      return;
    }
    const body =
      req.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(fault.code)}</Code><Message>${escapeXml(fault.message ?? fault.code)}</Message><RequestId>fault-injected</RequestId></Error>`;
    res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...fault.headers });
    res.end(body);
  });
}

function writeRaw(req: IncomingMessage, res: ServerResponse, fault: S3RawFault): void {
  const body = Buffer.from(req.method === 'HEAD' ? '' : fault.body);
  res.writeHead(fault.status, { 'content-type': 'application/xml', ...fault.headers, 'content-length': body.length });
  if (!fault.truncate) {
    res.end(body);
    return;
  }
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
}
