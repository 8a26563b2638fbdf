import { generateDataset } from './dataset.js';
import type { Dataset } from './dataset.js';

/** Post counts chosen to hit the paging edges: empty, single, exactly one page, one over, several pages. */
const SAMPLE_POSTS_PER_ACTOR = [0, 1, 12, 37, 100, 101, 64, 250] as const;

/** Who follows whom (by actor index): everyone follows the busiest account (7), plus a few neighbours. */
const SAMPLE_FOLLOWS = [[7, 1, 2], [7, 2], [7, 3, 4, 5], [7], [7, 0, 6], [7, 4], [7, 5, 3, 1], [6, 5]] as const;

/**
 * The demo dataset: seed 42, eight actors, 565 posts, a follow graph, and a starter pack (owned by the busiest
 * account) whose list holds all eight accounts, so the demo can snapshot "everyone in this pack".
 */
export function sampleDataset(): Dataset {
  return generateDataset({
    seed: 42,
    postsPerActor: SAMPLE_POSTS_PER_ACTOR,
    follows: SAMPLE_FOLLOWS,
    lists: [{ owner: 7, members: [0, 1, 2, 3, 4, 5, 6, 7], name: 'Synthetic test accounts', purpose: 'referencelist' }],
    starterPacks: [{ owner: 7, list: 0, name: 'Synthetic test accounts' }],
  });
}
