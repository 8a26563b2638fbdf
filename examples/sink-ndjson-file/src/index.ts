export { ndjsonFileSink } from './ndjson-file-sink.js';
export { encodeSegment } from './path-segment.js';
