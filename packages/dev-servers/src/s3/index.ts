export { startS3 } from './start-s3.js';
export type { S3Connection, S3Server, StartS3Options } from './start-s3.js';
export { createTestS3Client, getObject, listKeys, readObjects } from './s3-read.js';
