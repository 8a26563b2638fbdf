import type { ServerResponse } from 'node:http';

/** One XRPC call as the fixture received it; params are the raw query-string values. */
export interface AppViewRequest {
  readonly nsid: string;
  readonly params: Readonly<Record<string, string | readonly string[]>>;
  /** 1-based sequence number of the call on this server. */
  readonly n: number;
  /** Whether the call carried a bearer token (i.e. it came through a session, to the PDS role). */
  readonly authenticated: boolean;
}

/**
 * What a test makes the fixture do instead of (or before) answering normally. With `status`, the
 * response is that error; with `reset`, the connection is destroyed; with only `delayMs`, the call
 * is answered normally after the delay (for timeout and abort tests). With `body`, the call is answered
 * with that JSON (status 200 unless `status` says otherwise), e.g. a body that breaks the lexicon. With
 * `rawBody`, the call is answered with exactly those bytes, under `status` (200) and `headers` (content-type
 * `application/json` unless they say otherwise), e.g. a proxy's `Bad Gateway` that keeps the upstream's JSON
 * content-type, or an HTML error page. With `truncate`, the `body` or `rawBody` is announced whole (its
 * Content-Length) but only its first half is written before the connection is destroyed.
 */
export interface AppViewFault {
  readonly delayMs?: number;
  readonly reset?: boolean;
  readonly status?: number;
  /** XRPC error name, e.g. `RateLimitExceeded`; without it the body is plain text, like a proxy's. */
  readonly error?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Written verbatim, whatever `headers` claim it is. */
  readonly rawBody?: string;
  /** Cut the `body` or `rawBody` off half-way and destroy the connection. */
  readonly truncate?: boolean;
}

export type AppViewFaults = (request: AppViewRequest) => AppViewFault | undefined;

/** Writes a fault's error response; returns false when the fault lets the call through. */
export function writeFault(res: ServerResponse, fault: AppViewFault): boolean {
  if (fault.reset) {
    res.socket?.destroy();
    return true;
  }
  if (fault.status === undefined && fault.body === undefined && fault.rawBody === undefined) return false;
  res.statusCode = fault.status ?? 200;
  if (fault.rawBody !== undefined || fault.truncate) {
    const text = fault.rawBody ?? JSON.stringify(fault.body ?? { error: fault.error, message: fault.message ?? fault.error });
    writeRaw(res, Buffer.from(text), fault.headers ?? {}, fault.truncate === true);
    return true;
  }
  for (const [name, value] of Object.entries(fault.headers ?? {})) res.setHeader(name, value);
  if (fault.body !== undefined) {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(fault.body));
  } else if (fault.error === undefined) {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(fault.message ?? `HTTP ${res.statusCode}`);
  } else {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: fault.error, message: fault.message ?? fault.error }));
  }
  return true;
}

function writeRaw(res: ServerResponse, bytes: Buffer, headers: Readonly<Record<string, string>>, truncate: boolean): void {
  res.setHeader('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-length', String(bytes.length));
  if (!truncate) {
    res.end(bytes);
    return;
  }
  // The headers and half the body go out; the client must see the connection end before the announced length.
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}

/** Waits, but gives up as soon as the client goes away, so that aborted calls free the server at once. */
export function waitUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}
