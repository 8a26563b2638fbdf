import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { schemas } from '@atproto/api';
import { createServer as createXrpcServer, MemoryRateLimiter } from '@atproto/xrpc-server';
import type { HandlerContext, RateLimiterOptions } from '@atproto/xrpc-server';
import type { Dataset } from './dataset.js';
import { waitUnlessClosed, writeFault } from './faults.js';
import type { AppViewFaults, AppViewRequest } from './faults.js';
import { addAppViewMethods } from './handlers.js';
import { indexDataset } from './views.js';

export interface StartAppViewOptions {
  readonly dataset: Dataset;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** A real in-memory rate limit over all calls, answered with 429 and `ratelimit-*` headers. */
  readonly rateLimit?: { readonly points: number; readonly durationMs: number };
  readonly faults?: AppViewFaults;
}

export interface AppView {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly dataset: Dataset;
  /** XRPC calls received so far, including failed and rate-limited ones. */
  readonly requests: number;
  readonly requestLog: readonly AppViewRequest[];
  close(): Promise<void>;
}

/** Starts a lexicon-validating AppView on 127.0.0.1 that serves the dataset. */
export async function startAppView(options: StartAppViewOptions): Promise<AppView> {
  const { dataset, rateLimit, faults } = options;
  const xrpc = createXrpcServer(schemas, {
    // Every response is checked against the lexicons, so the fixture cannot drift from what clients accept.
    validateResponse: true,
    ...(rateLimit
      ? {
          rateLimits: {
            creator: <C extends HandlerContext>(opts: RateLimiterOptions<C>) => new MemoryRateLimiter<C>(opts),
            global: [{ name: 'global', points: rateLimit.points, durationMs: rateLimit.durationMs }],
          },
        }
      : {}),
  });
  addAppViewMethods(xrpc, indexDataset(dataset));

  const requestLog: AppViewRequest[] = [];
  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/xrpc/')) {
      const request: AppViewRequest = { nsid: url.pathname.slice('/xrpc/'.length), params: paramsOf(url), n: requestLog.length + 1 };
      requestLog.push(request);
      const fault = faults?.(request);
      if (fault?.delayMs !== undefined) await waitUnlessClosed(res, fault.delayMs);
      if (res.closed) return;
      if (fault !== undefined && writeFault(res, fault)) return;
    }
    xrpc.router(req, res);
  };
  const http = createHttpServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    dataset,
    get requests() {
      return requestLog.length;
    },
    requestLog,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would otherwise hold close() open.
        http.closeAllConnections();
      }),
  };
}

function paramsOf(url: URL): Record<string, string | readonly string[]> {
  const params: Record<string, string | readonly string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    params[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return params;
}
