import { createHash, randomBytes } from 'node:crypto';

export interface SessionTokenOptions {
  /** Lifetime of an access token; the real PDS uses 2 hours. */
  readonly accessTtlMs?: number;
  /** Lifetime of a refresh token; the real PDS uses 90 days. */
  readonly refreshTtlMs?: number;
}

export interface TokenPair {
  readonly accessJwt: string;
  readonly refreshJwt: string;
}

/** Why a token was refused, as the XRPC error the PDS answers with. */
export type TokenRefusal =
  | { readonly status: 400; readonly error: 'ExpiredToken'; readonly message: string }
  | { readonly status: 401; readonly error: 'InvalidToken'; readonly message: string };

interface TokenState {
  readonly did: string;
  expiresMs: number;
  /** Refresh tokens only: set once the token has been exchanged (tokens rotate on every refresh). */
  used?: boolean;
}

const DEFAULT_ACCESS_TTL_MS = 2 * 3_600_000;
const DEFAULT_REFRESH_TTL_MS = 90 * 86_400_000;

/**
 * Issues and checks app-password session tokens. They look like the PDS's JWTs (three base64url parts, a
 * `com.atproto.appPass` / `com.atproto.refresh` scope, `sub`, `iat`, `exp`) but are signed by nothing: the
 * server knows every token it issued, which is all a fixture needs and lets tests expire them at will.
 */
export class SessionTokens {
  private readonly access = new Map<string, TokenState>();
  private readonly refresh = new Map<string, TokenState>();
  private readonly accessTtlMs: number;
  private readonly refreshTtlMs: number;

  constructor(
    private readonly serviceDid: string,
    options: SessionTokenOptions = {},
  ) {
    this.accessTtlMs = options.accessTtlMs ?? DEFAULT_ACCESS_TTL_MS;
    this.refreshTtlMs = options.refreshTtlMs ?? DEFAULT_REFRESH_TTL_MS;
  }

  issue(did: string): TokenPair {
    const now = Date.now();
    const accessJwt = this.jwt('com.atproto.appPass', did, now, this.accessTtlMs);
    const refreshJwt = this.jwt('com.atproto.refresh', did, now, this.refreshTtlMs);
    this.access.set(accessJwt, { did, expiresMs: now + this.accessTtlMs });
    this.refresh.set(refreshJwt, { did, expiresMs: now + this.refreshTtlMs });
    return { accessJwt, refreshJwt };
  }

  verifyAccess(token: string): { readonly did: string } | TokenRefusal {
    return check(this.access.get(token));
  }

  /** Exchanges a refresh token for a new pair; the old one is spent (reusing it answers "revoked"). */
  rotate(token: string): ({ readonly did: string } & TokenPair) | TokenRefusal {
    const state = this.refresh.get(token);
    const checked = check(state);
    if ('error' in checked) return checked;
    if (state?.used) return { status: 400, error: 'ExpiredToken', message: 'Token has been revoked' };
    if (state) state.used = true;
    return { did: checked.did, ...this.issue(checked.did) };
  }

  revoke(refreshToken: string): void {
    const state = this.refresh.get(refreshToken);
    if (state) state.used = true;
  }

  /** Makes every access token issued so far expired, so the next authenticated call must refresh. */
  expireAccessTokens(): void {
    for (const state of this.access.values()) state.expiresMs = 0;
  }

  /** Makes every refresh token issued so far expired, so a stored session is no longer usable. */
  expireRefreshTokens(): void {
    for (const state of this.refresh.values()) state.expiresMs = 0;
  }

  private jwt(scope: string, did: string, nowMs: number, ttlMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    const header = { typ: scope === 'com.atproto.refresh' ? 'refresh+jwt' : 'at+jwt', alg: 'HS256' };
    const payload = {
      scope,
      sub: did,
      aud: this.serviceDid,
      iat,
      exp: iat + Math.ceil(ttlMs / 1000),
      jti: randomBytes(16).toString('base64url'),
    };
    const signingInput = `${base64url(header)}.${base64url(payload)}`;
    // Not a signature: 32 bytes derived from the token, so it has the shape of one.
    return `${signingInput}.${createHash('sha256').update(signingInput).digest('base64url')}`;
  }
}

function check(state: TokenState | undefined): { readonly did: string } | TokenRefusal {
  if (state === undefined) return { status: 401, error: 'InvalidToken', message: 'Token could not be verified' };
  if (Date.now() >= state.expiresMs) return { status: 400, error: 'ExpiredToken', message: 'Token has expired' };
  return { did: state.did };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
