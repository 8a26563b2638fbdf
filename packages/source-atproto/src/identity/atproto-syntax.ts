import { createRequire } from 'node:module';

// The validators of @atproto/syntax that `etl validate` runs on options and partitions. The package is
// CommonJS and re-exports a dozen files: an ESM import makes Node scan each of them for export names
// (cjs-module-lexer), which costs more than loading them; require() does not scan. A start-up cost every
// command pays, as the built-in sources' checks need these at validation time.
const syntax = createRequire(import.meta.url)('@atproto/syntax') as typeof import('@atproto/syntax');

export const { isValidDid, isValidHandle, isValidLanguage, isValidNsid, isValidRecordKey } = syntax;
