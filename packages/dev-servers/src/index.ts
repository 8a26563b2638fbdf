export * from './appview/index.js';
export * from './s3/index.js';
