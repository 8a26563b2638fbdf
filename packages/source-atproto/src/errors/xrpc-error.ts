import { createRequire } from 'node:module';
import type { XRPCError } from '@atproto/api';

// @atproto/api takes ~0.3 s to import, and classifying errors is public API (isRetryableAtprotoError) that
// the package index exports: a top-level import would make every `import '@etl/source-atproto'` (every
// `etl validate`) pay for it. An XRPCError can only exist once @atproto/api is loaded, so the class is
// looked up on the first Error classified. @atproto/api is CommonJS: require() returns the very module
// instance `import` does, so `instanceof` holds for errors thrown by either.
const require = createRequire(import.meta.url);
let xrpcErrorClass: typeof XRPCError | undefined;

export function isXrpcError(error: unknown): error is XRPCError {
  if (!(error instanceof Error)) return false;
  xrpcErrorClass ??= (require('@atproto/api') as typeof import('@atproto/api')).XRPCError;
  return error instanceof xrpcErrorClass;
}
