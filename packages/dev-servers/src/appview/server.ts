import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { schemas } from '@atproto/api';
import { createServer as createXrpcServer, MemoryRateLimiter } from '@atproto/xrpc-server';
import type { HandlerContext, RateLimiterOptions } from '@atproto/xrpc-server';
import type { Dataset } from './dataset.js';
import { indexDataset } from './dataset-index.js';
import type { DatasetIndex } from './dataset-index.js';
import { didDocument } from './did-documents.js';
import { waitUnlessClosed, writeFault } from './faults.js';
import type { AppViewFaults, AppViewRequest } from './faults.js';
import type { SyntheticPost } from './dataset.js';
import type { SyntheticRepost } from './feed-items.js';
import { addGraphMethods } from './graph-handlers.js';
import { addAppViewMethods } from './handlers.js';
import { LiveFeeds } from './live-feeds.js';
import type { NewPostOptions, NewRepostOptions } from './live-feeds.js';
import { addRepoMethods } from './repo-handlers.js';
import { addSearchMethod } from './search-handler.js';
import { addSessionMethods } from './session-handlers.js';
import { SessionTokens } from './session-tokens.js';
import type { SessionTokenOptions } from './session-tokens.js';

export interface StartAppViewOptions {
  readonly dataset: Dataset;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** A real in-memory rate limit over all calls, answered with 429 and `ratelimit-*` headers. */
  readonly rateLimit?: { readonly points: number; readonly durationMs: number };
  readonly faults?: AppViewFaults;
  /** App passwords by handle or DID: these accounts can log in (createSession). */
  readonly appPasswords?: Readonly<Record<string, string>>;
  /** Token lifetimes (default 2 h access, 90 days refresh, as the real PDS). */
  readonly sessionTokens?: SessionTokenOptions;
}

/**
 * One loopback server playing every AT Protocol role a source talks to: the AppView (feeds, graph, search),
 * each actor's PDS (listRecords, sessions; authenticated app.bsky calls are answered as if proxied), and the
 * PLC directory (`GET /<did>` answers the DID document, naming this server as the actor's PDS).
 */
export interface AppView {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly dataset: Dataset;
  /** XRPC calls received so far, including failed and rate-limited ones. */
  readonly requests: number;
  readonly requestLog: readonly AppViewRequest[];
  /** XRPC calls of one method so far (e.g. to check that a session was created once). */
  count(nsid: string): number;
  /** DIDs whose document was asked for (the PLC directory role), in order. */
  readonly didDocumentRequests: readonly string[];
  /** Expires every access token issued so far: the next authenticated call answers 400 ExpiredToken. */
  expireAccessTokens(): void;
  /** Expires every refresh token issued so far: stored sessions can no longer be refreshed. */
  expireRefreshTokens(): void;
  /**
   * Adds a post by `actor` (handle or DID) while the server runs; by default it tops the actor's author feed
   * (createdAt a minute after everything so far, indexedAt a second later). Also listed by listRecords.
   */
  addPost(actor: string, options?: NewPostOptions): SyntheticPost;
  /**
   * `actor` reposts the post at `postUri` (e.g. an old post of someone else's): the actor's author feed gets
   * an item with that post and a #reasonRepost (`by` the actor, `uri`/`cid` of the repost record, `indexedAt`
   * the repost's), ordered by the repost's time, not the post's.
   */
  repost(actor: string, postUri: string, options?: NewRepostOptions): SyntheticRepost;
  /**
   * Pins one of the actor's own posts (undefined unpins). As on the real AppView, getAuthorFeed with
   * `includePins` then serves it first on the first page with a #reasonPin, and drops its own entry from that
   * page; getProfile names it as `pinnedPost`.
   */
  pin(actor: string, postUri: string | undefined): void;
  close(): Promise<void>;
}

/** Starts a lexicon-validating AppView (and PDS, and PLC directory) on 127.0.0.1 that serves the dataset. */
export async function startAppView(options: StartAppViewOptions): Promise<AppView> {
  const { dataset, rateLimit, faults } = options;
  const index = indexDataset(dataset);
  let url = '';
  const tokens = new SessionTokens('did:web:appview.fixture.test', options.sessionTokens);
  const xrpc = createXrpcServer(schemas, {
    // Every response is checked against the lexicons, so the fixture cannot drift from what clients accept.
    validateResponse: true,
    rateLimits: {
      creator: <C extends HandlerContext>(opts: RateLimiterOptions<C>) => new MemoryRateLimiter<C>(opts),
      ...(rateLimit ? { global: [{ name: 'global', points: rateLimit.points, durationMs: rateLimit.durationMs }] } : {}),
    },
  });
  const feeds = new LiveFeeds(index);
  addAppViewMethods(xrpc, index, tokens, feeds);
  addGraphMethods(xrpc, index, tokens);
  addSearchMethod(xrpc, index, tokens);
  addRepoMethods(xrpc, index);
  addSessionMethods(xrpc, { index, tokens, passwords: passwordsByDid(index, options.appPasswords ?? {}), url: () => url });

  const requestLog: AppViewRequest[] = [];
  const didDocumentRequests: string[] = [];
  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (requestUrl.pathname.startsWith('/did:')) {
      didDocumentRequests.push(decodeURIComponent(requestUrl.pathname.slice(1)));
      return answerDidDocument(res, index, decodeURIComponent(requestUrl.pathname.slice(1)), url);
    }
    if (requestUrl.pathname.startsWith('/xrpc/')) {
      const request: AppViewRequest = {
        nsid: requestUrl.pathname.slice('/xrpc/'.length),
        params: paramsOf(requestUrl),
        n: requestLog.length + 1,
        authenticated: req.headers.authorization !== undefined,
      };
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
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    dataset,
    get requests() {
      return requestLog.length;
    },
    requestLog,
    count: (nsid) => requestLog.filter((request) => request.nsid === nsid).length,
    didDocumentRequests,
    expireAccessTokens: () => tokens.expireAccessTokens(),
    expireRefreshTokens: () => tokens.expireRefreshTokens(),
    addPost: (actor, postOptions) => feeds.addPost(actor, postOptions),
    repost: (actor, postUri, repostOptions) => feeds.repost(actor, postUri, repostOptions),
    pin: (actor, postUri) => feeds.pin(actor, postUri),
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would otherwise hold close() open.
        http.closeAllConnections();
      }),
  };
}

/** The PLC directory's answer: the document, or 404 as plc.directory answers for a DID it never saw. */
function answerDidDocument(res: ServerResponse, index: DatasetIndex, did: string, url: string): void {
  const actor = index.actorByDid(did);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.statusCode = actor ? 200 : 404;
  res.end(JSON.stringify(actor ? didDocument(actor, url) : { message: `DID not registered: ${did}` }));
}

function passwordsByDid(index: DatasetIndex, passwords: Readonly<Record<string, string>>): Map<string, string> {
  const byDid = new Map<string, string>();
  for (const [identifier, password] of Object.entries(passwords)) {
    const actor = index.findActor(identifier);
    if (actor === undefined) throw new RangeError(`startAppView: appPasswords names ${identifier}, which is not in the dataset`);
    byDid.set(actor.did, password);
  }
  return byDid;
}

function paramsOf(url: URL): Record<string, string | readonly string[]> {
  const params: Record<string, string | readonly string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    params[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return params;
}
