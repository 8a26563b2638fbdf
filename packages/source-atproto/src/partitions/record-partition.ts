import { isValidDid, isValidHandle, isValidRecordKey } from '../identity/atproto-syntax.js';

/** A record named by a partition: its repo (a DID, or a handle still to resolve), collection and key. */
export interface RecordRef {
  readonly authority: string;
  readonly collection: string;
  readonly rkey: string;
}

export interface RecordKind {
  /** What the record is, for messages: `list`, `starter pack`. */
  readonly noun: string;
  readonly collection: string;
  /** The bsky.app web path of such a record, `<actor>` and `<rkey>` standing for the parts. */
  readonly webPath: string;
}

export const LIST: RecordKind = { noun: 'list', collection: 'app.bsky.graph.list', webPath: '/profile/<actor>/lists/<rkey>' };
export const STARTER_PACK: RecordKind = { noun: 'starter pack', collection: 'app.bsky.graph.starterpack', webPath: '/starter-pack/<actor>/<rkey>' };

const WEB_HOSTS = new Set(['bsky.app', 'www.bsky.app']);

/**
 * Reads a partition naming a record of `kind`: an AT-URI (`at://<did-or-handle>/<collection>/<rkey>`) or the
 * record's bsky.app URL. Returns the parts, or a problem message saying what was expected.
 */
export function parseRecordPartition(partition: string, kind: RecordKind): RecordRef | { readonly problem: string } {
  const expected = `expected at://<did-or-handle>/${kind.collection}/<rkey> or https://bsky.app${kind.webPath}`;
  const parts = partition.startsWith('at://') ? atUriParts(partition) : webUrlParts(partition, kind);
  if (parts === undefined) return { problem: `"${partition}" does not name a ${kind.noun}: ${expected}` };
  const [authority, collection, rkey] = parts;
  if (collection !== kind.collection) return { problem: `"${partition}" names a ${collection} record, not a ${kind.noun}: ${expected}` };
  if (!isValidDid(authority) && !isValidHandle(authority)) return { problem: `"${partition}": "${authority}" is neither a DID nor a handle` };
  if (!isValidRecordKey(rkey)) return { problem: `"${partition}": "${rkey}" is not a valid record key` };
  return { authority, collection, rkey };
}

export function recordUri(repo: string, ref: RecordRef): string {
  return `at://${repo}/${ref.collection}/${ref.rkey}`;
}

function atUriParts(uri: string): [string, string, string] | undefined {
  const match = /^at:\/\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)$/.exec(uri);
  return match ? [decodeURIComponent(match[1] as string), match[2] as string, match[3] as string] : undefined;
}

function webUrlParts(value: string, kind: RecordKind): [string, string, string] | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' || !WEB_HOSTS.has(url.hostname)) return undefined;
  const pattern = new RegExp(`^${kind.webPath.replace('<actor>', '([^/]+)').replace('<rkey>', '([^/]+)')}/?$`);
  const match = pattern.exec(url.pathname);
  return match ? [decodeURIComponent(match[1] as string), kind.collection, decodeURIComponent(match[2] as string)] : undefined;
}
