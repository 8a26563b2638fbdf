import type { Params } from '@atproto/xrpc-server';

export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
}

/** The params verifier has already applied the lexicon default, but a handler should not crash without one. */
export function limitParam(params: Params, fallback: number): number {
  const value = params['limit'];
  return typeof value === 'number' ? value : fallback;
}

export function stringListParam(params: Params, name: string): string[] {
  const value = params[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** An XRPC JSON success; the body is checked against the lexicon by the server before it is sent. */
export function json<B>(body: B): { encoding: 'application/json'; body: B } {
  return { encoding: 'application/json', body };
}
