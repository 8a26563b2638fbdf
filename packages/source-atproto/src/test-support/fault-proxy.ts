// A loopback HTTP reverse proxy in front of a real server (the dev-env AppView) that forwards requests and
// responses byte for byte, except the requests `choose` picks, which get a fault instead of (or in place
// of part of) the real answer. What was injected is counted per kind.
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyFault =
  /** 502 under `content-type: application/json` with the body `Bad Gateway` (not JSON). */
  | 'bad-gateway-json'
  /** 503 with an HTML error page (`text/html`). */
  | 'html-503'
  /** The real answer's status and headers with its full content-length, half its body, then the socket destroyed. */
  | 'truncated'
  /** The real answer, its body's second half sent `slowMs` after the first. */
  | 'slow'
  /** The same, after `stallMs` (longer than the client's timeout, so the client gives up first). */
  | 'stall';

export const PROXY_FAULTS: readonly ProxyFault[] = ['bad-gateway-json', 'html-503', 'truncated', 'slow', 'stall'];

export interface ProxiedRequest {
  readonly method: string;
  /** The XRPC method (`/xrpc/<nsid>`), or '' for any other path. */
  readonly nsid: string;
  readonly params: URLSearchParams;
}

export interface FaultProxyOptions {
  /** Base URL of the real server. */
  readonly upstream: string;
  /** The fault for one request, or undefined to forward it untouched. Called once per request, in arrival order. */
  readonly choose: (request: ProxiedRequest) => ProxyFault | undefined;
  readonly slowMs: number;
  readonly stallMs: number;
}

export interface FaultProxy {
  readonly url: string;
  /** Faults injected so far, per kind. */
  readonly injected: ReadonlyMap<ProxyFault, number>;
  /** Requests proxied so far, in arrival order, with the fault each got. */
  readonly requests: ReadonlyArray<ProxiedRequest & { readonly fault: ProxyFault | undefined }>;
  close(): Promise<void>;
}

// Hop-by-hop or framing headers: not copied onto an answer the proxy frames itself.
const FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const HTML_503 =
  '<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>\n' +
  '<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>\n';

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const injected = new Map<ProxyFault, number>();
  const requests: Array<ProxiedRequest & { fault: ProxyFault | undefined }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const later = (res: ServerResponse, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) fn();
    }, ms);
    timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const nsid = url.pathname.startsWith('/xrpc/') ? url.pathname.slice('/xrpc/'.length) : '';
    const seen = { method: req.method ?? 'GET', nsid, params: url.searchParams };
    const fault = options.choose(seen);
    requests.push({ ...seen, fault });
    if (fault !== undefined) injected.set(fault, (injected.get(fault) ?? 0) + 1);

    if (fault === 'bad-gateway-json' || fault === 'html-503') {
      req.resume();
      const [status, type, body] = fault === 'bad-gateway-json' ? [502, 'application/json', 'Bad Gateway'] : [503, 'text/html', HTML_503];
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }

    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
    const forward = request(new URL(req.url ?? '/', upstream), { method: req.method, headers }, (answer) => {
      if (fault === undefined) {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', (error) => res.destroy(error));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const half = Math.floor(body.length / 2);
        const framed: OutgoingHttpHeaders = { 'content-length': body.length };
        for (const [name, value] of Object.entries(answer.headers)) if (!FRAMING.has(name) && value !== undefined) framed[name] = value;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, framed);
        if (fault === 'truncated') {
          res.write(body.subarray(0, half), () => res.socket?.destroy());
          return;
        }
        res.write(body.subarray(0, half));
        later(res, fault === 'slow' ? options.slowMs : options.stallMs, () => res.end(body.subarray(half)));
      });
    });
    forward.on('error', (error) => res.destroy(error));
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
