import { generateDataset } from './dataset.js';
import type { Dataset } from './dataset.js';

/** Post counts chosen to hit the paging edges: empty, single, exactly one page, one over, several pages. */
const SAMPLE_POSTS_PER_ACTOR = [0, 1, 12, 37, 100, 101, 64, 250] as const;

/** The demo dataset: seed 42, eight actors, 565 posts. */
export function sampleDataset(): Dataset {
  return generateDataset({ seed: 42, postsPerActor: SAMPLE_POSTS_PER_ACTOR });
}
