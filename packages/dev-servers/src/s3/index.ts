export { startS3 } from './start-s3.js';
export type { S3Connection, S3LoggedRequest, S3Server, StartS3Options } from './start-s3.js';
export { s3Faults } from './s3-faults.js';
export type { S3ErrorFault, S3Fault, S3Faults, S3Hold, S3RawFault, S3Reset } from './s3-faults.js';
export type { S3Operation, S3Request } from './s3-request.js';
export { createTestS3Client, getObject, listKeys, readObjects } from './s3-read.js';
