// Records, on the server's side, when each request to one local port arrived and how it was answered,
// through Node's built-in http diagnostics channels: the fixture stays as it is, and no proxy adds a hop.
// The servers run in the harness process, so these channels see every request the measured child makes.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Exchange {
  readonly path: string;
  /** performance.now() when the request arrived. */
  readonly arrivedMs: number;
  /** Set when the response has been sent. */
  status?: number;
  finishedMs?: number;
}

interface ServerMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly socket: Socket;
}

const REQUEST_START = 'http.server.request.start';
const RESPONSE_FINISH = 'http.server.response.finish';

export class ServerExchanges {
  readonly exchanges: Exchange[] = [];
  readonly #open = new WeakMap<IncomingMessage, Exchange>();
  readonly #onStart = (message: unknown): void => {
    const { request, socket } = message as ServerMessage;
    if (socket.localPort !== this.port) return;
    const exchange: Exchange = { path: request.url ?? '', arrivedMs: performance.now() };
    this.exchanges.push(exchange);
    this.#open.set(request, exchange);
  };
  readonly #onFinish = (message: unknown): void => {
    const { request, response } = message as ServerMessage;
    const exchange = this.#open.get(request);
    if (exchange === undefined) return;
    exchange.status = response.statusCode;
    exchange.finishedMs = performance.now();
  };

  /** Starts recording the requests made to `port` on this process's servers. */
  constructor(readonly port: number) {
    subscribe(REQUEST_START, this.#onStart);
    subscribe(RESPONSE_FINISH, this.#onFinish);
  }

  stop(): void {
    unsubscribe(REQUEST_START, this.#onStart);
    unsubscribe(RESPONSE_FINISH, this.#onFinish);
  }
}
