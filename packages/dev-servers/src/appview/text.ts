import type { AppBskyRichtextFacet } from '@atproto/api';
import type { Prng } from './prng.js';

// Invented placeholder names only: fixtures must never carry real people's data.
const FIRST_NAMES = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy',
  'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'zoe',
] as const;
const SURNAMES = ['Quill', 'Marsh', 'Fennel', 'Rook', 'Tarn', 'Vale', 'Brindle', 'Colter', 'Dunmore', 'Elsby'] as const;
const WORDS = [
  'pipeline', 'coffee', 'morning', 'release', 'garden', 'weekend', 'bicycle', 'compiler', 'river', 'notes',
  'sunset', 'draft', 'library', 'kettle', 'thread', 'benchmark', 'puzzle', 'window', 'harbor', 'lantern',
  'today', 'finally', 'again', 'quietly', 'really', 'new', 'small', 'bright', 'slow', 'shared',
] as const;
const DOMAINS = ['example.com', 'example.org', 'example.net'] as const;
const PATHS = ['notes', 'posts', 'docs', 'blog', 'changelog'] as const;

export interface SyntheticName {
  readonly handleName: string;
  readonly displayName: string;
}

/** Unique names in seed-dependent order; a numeric suffix keeps handles unique beyond the list. */
export function syntheticNames(prng: Prng, count: number): SyntheticName[] {
  const order = [...FIRST_NAMES];
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [order[i], order[j]] = [order[j] as (typeof FIRST_NAMES)[number], order[i] as (typeof FIRST_NAMES)[number]];
  }
  return Array.from({ length: count }, (_, i) => {
    const first = order[i % order.length] as string;
    const round = Math.floor(i / order.length);
    const handleName = round === 0 ? first : `${first}${round + 1}`;
    const displayName = `${first.charAt(0).toUpperCase()}${first.slice(1)} ${prng.pick(SURNAMES)}`;
    return { handleName, displayName };
  });
}

export interface SyntheticText {
  readonly text: string;
  readonly facets?: AppBskyRichtextFacet.Main[];
}

/** A short post text; about one in four carries a link with its richtext facet. */
export function syntheticText(prng: Prng): SyntheticText {
  const words = Array.from({ length: prng.int(3, 18) }, () => prng.pick(WORDS));
  const text = `${words.join(' ')}${prng.pick(['.', '!', '', '?'])}`;
  if (!prng.chance(0.25)) return { text };
  const url = `https://${prng.pick(DOMAINS)}/${prng.pick(PATHS)}/${prng.int(1, 999)}`;
  const prefix = `${text} `;
  // Facet offsets are UTF-8 byte offsets, not string indices.
  const byteStart = Buffer.byteLength(prefix, 'utf8');
  const byteEnd = byteStart + Buffer.byteLength(url, 'utf8');
  return {
    text: `${prefix}${url}`,
    facets: [
      {
        index: { byteStart, byteEnd },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: url }],
      },
    ],
  };
}
