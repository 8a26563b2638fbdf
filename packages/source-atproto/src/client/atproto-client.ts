import { Agent, XRPCError } from '@atproto/api';
import { AtprotoCallError } from '../errors/atproto-call-error.js';
import { toAtprotoCallError } from '../errors/classify-error.js';
import { parsableErrorResponse } from './error-response.js';
import { abortErrorOf } from '../pacing/abortable-sleep.js';
import { raceAbort, type SourceSharedState } from '@etl/core';
import { RateLimitPacer } from '../pacing/rate-limit-pacer.js';
import type { PaceContext, PacingSettings } from '../pacing/rate-limit-pacer.js';
import type { AppPasswordAuth } from '../session/app-password-session.js';
import { leaseSession } from '../session/session-registry.js';
import type { SessionLease } from '../session/session-registry.js';

export interface ClientSettings {
  /** The AppView for unauthenticated calls. */
  readonly service: string;
  readonly timeoutMs: number;
  readonly pacing: PacingSettings | false;
  /** With it, calls go through the account's session to its PDS instead of to `service`. */
  readonly auth?: AppPasswordAuth | undefined;
}

/** The task making a call: its signal (aborts the call and any pause) and where to report pauses. */
export type CallContext = PaceContext;

/** One XRPC call through an agent; `signal` carries both the task's abort and the request timeout. */
export type XrpcCall<T> = (agent: Agent, signal: AbortSignal) => Promise<T>;

/**
 * Every network call a source makes goes through here, so that each one is paced against the service's
 * rate-limit window, times out after `timeoutMs` (body included), is cancelled with its task, and fails as a
 * classified AtprotoCallError. Agents are @atproto/api's, with a fetch handler that shows every response's
 * headers (successes included) to the pacer.
 */
export class AtprotoClient {
  private readonly pacer: RateLimitPacer;
  private readonly publicAgents = new Map<string, Agent>();
  private readonly lease: SessionLease | undefined;
  private readonly sessionAgent: Agent | undefined;

  constructor(private readonly settings: ClientSettings) {
    this.pacer = new RateLimitPacer(settings.pacing);
    if (settings.auth) {
      const lease = leaseSession(settings.auth, settings.timeoutMs);
      const { session } = lease;
      this.lease = lease;
      this.sessionAgent = new Agent({
        get did() {
          return session.did;
        },
        fetchHandler: async (url, init) => this.observed(await session.credential.fetchHandler(url, init)),
      });
    }
  }

  /** The rate-limit windows this client has learnt, shared with the other processes running the source. */
  readonly sharedState: SourceSharedState = {
    save: () => this.pacer.save(),
    restore: (state) => this.pacer.restore(state),
  };

  /** Origin of the default service: the session's PDS (once known) or the AppView. */
  get origin(): string {
    return this.lease ? this.lease.session.dispatchUrl.origin : new URL(this.settings.service).origin;
  }

  /** Calls the default service: the account's PDS through the session when there is one, else the AppView. */
  async call<T>(method: string, context: CallContext, run: XrpcCall<T>): Promise<T> {
    if (this.lease && this.sessionAgent) {
      const { session } = this.lease;
      // A login or resume due spends the login service's budget (createSession's above all): pace it.
      if (!session.established) await this.pacer.beforeCall(session.loginOrigin, context);
      // A login cannot be cancelled from outside: stop waiting for it when the task is cancelled.
      await raceAbort(session.ensure(), context.signal);
      return this.send(method, session.dispatchUrl.origin, this.sessionAgent, context, run);
    }
    return this.callAt(this.settings.service, method, context, run);
  }

  /** Calls another service without credentials, e.g. com.atproto.repo.listRecords on an actor's own PDS. */
  async callAt<T>(service: string, method: string, context: CallContext, run: XrpcCall<T>): Promise<T> {
    const origin = new URL(service).origin;
    return this.send(method, origin, this.publicAgent(service), context, run);
  }

  /** GETs a JSON document (e.g. a DID document), paced and timed out like XRPC calls. */
  async fetchJson(url: string, what: string, context: CallContext): Promise<unknown> {
    const origin = new URL(url).origin;
    await this.pacer.beforeCall(origin, context);
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.settings.timeoutMs)]);
    const describe = (error: unknown) => toAtprotoCallError(error, { method: what, service: origin, timeoutMs: this.settings.timeoutMs });
    try {
      const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
      this.pacer.observe(origin, response.status, response.headers);
      const text = await response.text();
      if (!response.ok) throw httpFailure(what, url, origin, response, text);
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new AtprotoCallError('ATPROTO_INVALID_RESPONSE', `${what} from ${url} is not JSON`, { method: what, service: origin, status: response.status, cause: error });
      }
    } catch (error) {
      if (context.signal.aborted) throw abortErrorOf(context.signal);
      throw describe(error);
    }
  }

  /** Releases the session (its file is already written); the agents hold nothing else. */
  async close(): Promise<void> {
    await this.lease?.release();
  }

  private async send<T>(method: string, origin: string, agent: Agent, context: CallContext, run: XrpcCall<T>): Promise<T> {
    await this.pacer.beforeCall(origin, context);
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.settings.timeoutMs)]);
    try {
      return await run(agent, signal);
    } catch (error) {
      // The client wraps an abort in an XRPCError; surface it as an abort so that nothing retries a cancelled run.
      if (context.signal.aborted) throw abortErrorOf(context.signal);
      throw toAtprotoCallError(error, { method, service: origin, timeoutMs: this.settings.timeoutMs });
    }
  }

  private publicAgent(service: string): Agent {
    let agent = this.publicAgents.get(service);
    if (!agent) {
      agent = new Agent({ fetchHandler: async (url, init) => this.observed(await fetch(new URL(url, service), init)) });
      this.publicAgents.set(service, agent);
    }
    return agent;
  }

  private observed(response: Response): Promise<Response> {
    if (response.url) this.pacer.observe(new URL(response.url).origin, response.status, response.headers);
    return parsableErrorResponse(response);
  }
}

function httpFailure(what: string, url: string, origin: string, response: Response, text: string): AtprotoCallError {
  // The PLC directory answers 404 for a DID it never saw and 410 for a tombstoned one: the actor is gone.
  if (response.status === 404 || response.status === 410) {
    return new AtprotoCallError('ATPROTO_NOT_FOUND', `${what} not found: ${url} answered ${response.status}${text ? ` (${text.slice(0, 200)})` : ''}`, {
      method: what,
      service: origin,
      status: response.status,
    });
  }
  const headers = Object.fromEntries(response.headers.entries());
  return toAtprotoCallError(new XRPCError(response.status, undefined, `${url} answered ${response.status}`, headers), { method: what, service: origin, timeoutMs: 0 });
}

