export { ndjsonFileSink } from './ndjson-file-sink.js';
export { encodeSegment } from './path-segment.js';
export { DEFAULT_KEY, renderKey } from './file-key.js';
