export { demoDataset, demoStarterPack } from './demo-dataset.js';
export { demoReport } from './demo-report.js';
export type { DemoReport } from './demo-report.js';
export { DEMO_BUCKET, startDemoServers } from './demo-servers.js';
export type { DemoServers } from './demo-servers.js';
export { runDemo } from './run-demo.js';
export type { RunDemoOptions } from './run-demo.js';
