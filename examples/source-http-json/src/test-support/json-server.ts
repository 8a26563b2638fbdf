import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonServer {
  readonly url: string;
  readonly requests: { readonly url: string; readonly headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Items of a partition: `p<count>` has that many; anything else 404s. */
export function items(partition: string): { id: string; n: number }[] {
  const count = /^p(\d+)$/.exec(partition)?.[1];
  return Array.from({ length: Number(count ?? 0) }, (_, n) => ({ id: `${partition}-${n}`, n }));
}

const PAGE = 3;

/**
 * A loopback JSON API:
 * - `/cursor/<p>?after=N`: `{ "data": { "a/b": [...] }, "meta": { "next": "N" | null } }`
 * - `/link/<p>?page=N`: `{ "items": [...] }` and a relative `Link: <...>; rel="next"`
 * - `/status/<code>`: that status; `/slow/<p>`: answers after 30 s; `/garbage/<p>`: not JSON
 */
export async function startJsonServer(): Promise<JsonServer> {
  const requests: JsonServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, mode, partition = ''] = url.pathname.split('/').map((s) => decodeURIComponent(s));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (mode === 'status') return send(Number(partition), { error: 'as asked' });
    if (mode === 'slow') {
      const timer = setTimeout(() => send(200, { items: [] }), 30_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{not json');
    }
    const all = items(partition);
    if (all.length === 0 && partition !== 'p0') return send(404, { error: 'no such partition' });
    if (mode === 'cursor') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const next = after + PAGE < all.length ? String(after + PAGE) : null;
      return send(200, { data: { 'a/b': all.slice(after, after + PAGE) }, meta: { next } });
    }
    if (mode === 'link') {
      const page = Number(url.searchParams.get('page') ?? 0);
      const more = (page + 1) * PAGE < all.length;
      const link: Record<string, string> = more ? { link: `</link/${encodeURIComponent(partition)}?page=${page + 1}>; rel="next", </link/${encodeURIComponent(partition)}?page=0>; rel="first"` } : {};
      return send(200, { items: all.slice(page * PAGE, (page + 1) * PAGE) }, link);
    }
    return send(404, { error: 'unknown route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
