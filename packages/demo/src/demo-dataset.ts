import { generateDataset, type Dataset } from '@etl/dev-servers';

/** Twenty synthetic accounts with mixed activity: quiet ones, paging edges (100, 101) and busy ones. */
const DEMO_POSTS_PER_ACTOR = [0, 1, 12, 37, 100, 101, 64, 250, 420, 15, 188, 73, 9, 310, 145, 56, 230, 97, 333, 201] as const;

/**
 * The offline demo's data, deterministic (seed 2024): 20 generated `.test` accounts, 2642 posts, and a starter
 * pack whose list holds every account, so the demo runs the seed's two-stage flow (pack → member feeds).
 * No real people's data.
 */
export function demoDataset(): Dataset {
  const everyone = DEMO_POSTS_PER_ACTOR.map((_, index) => index);
  return generateDataset({
    seed: 2024,
    postsPerActor: DEMO_POSTS_PER_ACTOR,
    follows: everyone.map((i) => [(i + 1) % everyone.length, (i + 7) % everyone.length]),
    lists: [{ owner: 7, members: everyone, name: 'Synthetic demo accounts', purpose: 'referencelist' }],
    starterPacks: [{ owner: 7, list: 0, name: 'Synthetic demo accounts' }],
  });
}

/** The AT-URI of the demo's starter pack. */
export function demoStarterPack(dataset: Dataset): string {
  const pack = dataset.starterPacks?.[0];
  if (!pack) throw new Error('the demo dataset has no starter pack');
  return pack.uri;
}
