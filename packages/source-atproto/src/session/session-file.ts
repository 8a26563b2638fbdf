import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AtpSessionData } from '@atproto/api';

/** Where sessions live by default, relative to the working directory (the project's `.etl/` state folder). */
export const DEFAULT_SESSION_DIRECTORY = join('.etl', 'atproto-sessions');

/** What a session file holds: the session and whom it belongs to. Never the password. */
export interface StoredSession {
  readonly version: 1;
  /** The login service the session was created at (refreshes must go there too). */
  readonly service: string;
  readonly identifier: string;
  readonly session: AtpSessionData;
  readonly savedAt: string;
}

/** The default session file of an identifier: `.etl/atproto-sessions/<sanitised identifier>.json` under `cwd`. */
export function defaultSessionFile(identifier: string, cwd = process.cwd()): string {
  return resolve(cwd, DEFAULT_SESSION_DIRECTORY, `${sanitiseIdentifier(identifier)}.json`);
}

/** A file-name-safe form of a handle, DID or email: lowercase, `[a-z0-9._-]` only, never `.`-led. */
export function sanitiseIdentifier(identifier: string): string {
  const safe = identifier.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return safe.length > 0 ? safe.slice(0, 200) : '_';
}

/**
 * The stored session for this identifier and service, or undefined if there is none or it belongs to someone
 * else (another identifier or login service) or cannot be read as one: a fresh login replaces it then.
 */
export async function readSessionFile(file: string, expected: { identifier: string; service: string }): Promise<StoredSession | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isStoredSession(stored)) return undefined;
  if (stored.identifier.toLowerCase() !== expected.identifier.toLowerCase() || stored.service !== expected.service) return undefined;
  return stored;
}

/**
 * Writes the session so that no reader ever sees half a file and nobody else can read it: a 0600 temp file
 * in the same directory (0700, created if needed), then rename() over the old one.
 */
export async function writeSessionFile(file: string, stored: StoredSession): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function deleteSessionFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const { version, service, identifier, session } = value as Partial<StoredSession>;
  if (version !== 1 || typeof service !== 'string' || typeof identifier !== 'string') return false;
  if (typeof session !== 'object' || session === null) return false;
  const { accessJwt, refreshJwt, did, handle } = session as Partial<AtpSessionData>;
  return [accessJwt, refreshJwt, did, handle].every((field) => typeof field === 'string' && field.length > 0);
}
