import { isAbsolute, resolve } from 'node:path';
import type { PluginProblem } from '@etl/core';
import type { ClientSettings } from '../client/atproto-client.js';
import { defaultSessionFile } from '../session/session-file.js';

export const PUBLIC_APPVIEW = 'https://public.api.bsky.app';
export const DEFAULT_LOGIN_SERVICE = 'https://bsky.social';
export const DEFAULT_MIN_REMAINING = 5;

// Option schemas shared by the sources. Each source spreads the ones it takes into its own `properties`,
// so its schema (and the option type inferred from it) lists exactly what it accepts.

export const serviceOption = {
  type: 'string',
  format: 'uri',
  default: PUBLIC_APPVIEW,
  description: 'Base URL of the AppView for unauthenticated calls. Not used with `auth`: then calls go to the account\'s PDS.',
} as const;

export const timeoutMsOption = {
  type: 'integer',
  minimum: 1,
  default: 30_000,
  description: 'Timeout of each request in milliseconds, body included; a timed-out request may be retried.',
} as const;

export const pacingOption = {
  description:
    'Rate-limit pacing from the ratelimit-* response headers: before a call that would leave `minRemaining` or fewer calls in the ' +
    'window, wait until the window resets (reported as a pause) instead of provoking a 429. `false` turns pacing off.',
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        minRemaining: {
          type: 'integer',
          minimum: 0,
          default: DEFAULT_MIN_REMAINING,
          description: 'Pause once the window has this many calls left or fewer (0 spends the window completely).',
        },
      },
    },
    { const: false },
  ],
} as const;

export const retryAt429Option = {
  type: 'string',
  enum: ['policy', 'reset'],
  default: 'policy',
  description:
    "How long to wait before retrying a 429: 'policy' = the pipeline's retry backoff; 'reset' = until the server's " +
    'ratelimit-reset (or retry-after).',
} as const;

export const onMissingActorOption = {
  type: 'string',
  enum: ['fail', 'skip'],
  default: 'fail',
  description:
    "What to do with a partition whose actor does not exist, is deactivated or is suspended: 'fail' the task, or 'skip' it " +
    '(the task ends as skipped with the reason, and the run does not fail).',
} as const;

export const authOption = {
  type: 'object',
  additionalProperties: false,
  required: ['identifier', 'password'],
  description:
    "An app-password session (create one under Settings > Privacy and security > App passwords), e.g. { identifier: env('BSKY_IDENTIFIER'), " +
    "password: env('BSKY_APP_PASSWORD') }. Calls then go to the account's PDS. The session is kept in a file and reused across runs.",
  properties: {
    identifier: { type: 'string', minLength: 1, description: 'Handle, DID or email of the account.' },
    password: { type: 'string', minLength: 1, secret: true, description: 'An app password of the account (never the main password); redacted everywhere.' },
    service: {
      type: 'string',
      format: 'uri',
      default: DEFAULT_LOGIN_SERVICE,
      description: 'Where to log in: the PDS or entryway of the account.',
    },
    sessionFile: {
      type: 'string',
      minLength: 1,
      description: 'Where to keep the session (mode 0600), relative to the working directory. Default: .etl/atproto-sessions/<identifier>.json.',
    },
  },
} as const;

export function limitOption(what: string) {
  return {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 100,
    description: `${what} per page (the lexicon allows 1 to 100).`,
  } as const;
}

/** The options every source shares, as the user wrote them (the core passes options on exactly as written). */
export interface CommonOptions {
  readonly service?: string;
  readonly timeoutMs?: number;
  readonly pacing?: { readonly minRemaining?: number } | false;
  readonly auth?: { readonly identifier: string; readonly password: string; readonly service?: string; readonly sessionFile?: string };
}

/** Fills the defaults of the shared options into what the client needs. */
export function clientSettingsOf(options: CommonOptions, cwd = process.cwd()): ClientSettings {
  const { auth } = options;
  return {
    service: options.service ?? PUBLIC_APPVIEW,
    timeoutMs: options.timeoutMs ?? timeoutMsOption.default,
    pacing: options.pacing === false ? false : { minRemaining: options.pacing?.minRemaining ?? DEFAULT_MIN_REMAINING },
    auth: auth && {
      identifier: auth.identifier,
      password: auth.password,
      service: auth.service ?? DEFAULT_LOGIN_SERVICE,
      sessionFile: auth.sessionFile === undefined ? defaultSessionFile(auth.identifier, cwd) : isAbsolute(auth.sessionFile) ? auth.sessionFile : resolve(cwd, auth.sessionFile),
    },
  };
}

/** `service` names the AppView for anonymous calls; with `auth` nothing would use it, so both is a mistake. */
export function checkServiceWithAuth(options: CommonOptions): PluginProblem[] {
  if (options.auth === undefined || options.service === undefined) return [];
  return [
    {
      path: 'service',
      message:
        "is not used with auth: authenticated calls go to the account's PDS (the public AppView refuses sessions); " +
        'remove service, or set auth.service to choose where to log in',
    },
  ];
}
