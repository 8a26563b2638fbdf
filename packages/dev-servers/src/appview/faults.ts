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
 * with that JSON (status 200 unless `status` says otherwise), e.g. a body that breaks the lexicon.
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
}

export type AppViewFaults = (request: AppViewRequest) => AppViewFault | undefined;

/** Writes a fault's error response; returns false when the fault lets the call through. */
export function writeFault(res: ServerResponse, fault: AppViewFault): boolean {
  if (fault.reset) {
    res.socket?.destroy();
    return true;
  }
  if (fault.status === undefined && fault.body === undefined) return false;
  res.statusCode = fault.status ?? 200;
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
