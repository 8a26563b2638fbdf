export { s3Sink } from './s3-sink.js';
export { s3SinkOptionsSchema } from './options.js';
export type { S3SinkOptions } from './options.js';
export { KEY_PLACEHOLDERS, encodeKeySegment } from './key-template.js';
export type { KeyPlaceholder } from './key-template.js';
