export { generateDataset } from './dataset.js';
export type { Dataset, GenerateDatasetOptions, SyntheticActor, SyntheticPost } from './dataset.js';
export type {
  AccountStatus,
  GraphSpec,
  ListSpec,
  StarterPackSpec,
  SyntheticBlock,
  SyntheticFollow,
  SyntheticList,
  SyntheticListItem,
  SyntheticRecord,
  SyntheticStarterPack,
} from './graph-dataset.js';
export type { FeedItem, SyntheticRepost } from './feed-items.js';
export type { NewPostOptions, NewRepostOptions } from './live-feeds.js';
export { startAppView } from './server.js';
export type { AppView, StartAppViewOptions } from './server.js';
export type { SessionTokenOptions } from './session-tokens.js';
export type { AppViewFault, AppViewFaults, AppViewRequest } from './faults.js';
export { sampleDataset } from './sample.js';
