export { generateDataset } from './dataset.js';
export type { Dataset, GenerateDatasetOptions, SyntheticActor, SyntheticPost } from './dataset.js';
export { startAppView } from './server.js';
export type { AppView, StartAppViewOptions } from './server.js';
export type { AppViewFault, AppViewFaults, AppViewRequest } from './faults.js';
export { sampleDataset } from './sample.js';
