export { s3Sink } from './s3-sink.js';
export { s3SinkOptionsSchema, DEFAULT_MANIFEST_KEY, MANIFEST_PLACEHOLDERS } from './options.js';
export type { S3SinkOptions } from './options.js';
export { KEY_PLACEHOLDERS, MAX_KEY_BYTES } from './key-template.js';
export type { KeyPlaceholder } from './key-template.js';
export {
  encodeKeySegment,
  decodeKeySegment,
  keySegmentMatches,
  KeyValueError,
  MAX_ENCODED_VALUE_BYTES,
  SHORTENED_MARKER,
  SHORTENED_HASH_HEX_DIGITS,
} from './key-encoding.js';
export type { DecodedKeySegment } from './key-encoding.js';
export { partSuffix, PART_NUMBER_DIGITS } from './part-keys.js';
export { RUN_MANIFEST_VERSION } from './run-manifest.js';
export type { RunManifest, RunManifestObject, RunManifestTask } from './run-manifest.js';
export { s3State } from './state/s3-state.js';
