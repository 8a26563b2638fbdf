// Preload (`node --import <this file>`) that records which modules a process loads, into the file named by
// ETL_LOADED_MODULES_FILE, one per line: every URL the ESM loader resolves (loaded-modules-hooks.mjs) and,
// at exit, every CommonJS module in require.cache (CommonJS packages require() each other without the ESM
// loader seeing it). Tests use it to prove that a command never loads a heavy package.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.ETL_LOADED_MODULES_FILE;
if (!file) throw new Error('record-loaded-modules.mjs needs ETL_LOADED_MODULES_FILE');
register(new URL('./loaded-modules-hooks.mjs', import.meta.url), { data: { file } });

const { cache } = createRequire(import.meta.url);
process.on('exit', () => {
  appendFileSync(file, Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`).join(''));
});
