export { httpJsonSource } from './http-json-source.js';
export { HttpJsonError, isRetryableHttpError } from './http-json-error.js';
export { resolvePointer } from './json-pointer.js';
export { nextLink } from './link-header.js';
