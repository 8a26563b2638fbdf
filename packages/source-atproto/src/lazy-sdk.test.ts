// Importing the package, as every config that uses it does, and running the checks `etl validate` runs must
// not load @atproto/api: ~0.3 s of start-up that validate and list would pay for nothing. Only creating a
// source instance (a run) loads it. The built package runs in a fresh node process, since vitest's own
// process may have loaded the SDK already; a top-level import of it on the way fails this test.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const dist = pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), '../dist/index.js')).href;

const script = `
import { createRequire } from 'node:module';
// @atproto/api is CommonJS: however it is imported, it lands in require.cache.
const sdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/@atproto/api/'));
const pkg = await import(${JSON.stringify(dist)});
const factories = Object.values(pkg).filter((value) => typeof value === 'function' && 'definition' in value);
for (const { definition } of factories) {
  definition.check?.({ collection: 'app.bsky.feed.post' });
  definition.checkPartition?.('alice.test', {});
}
const afterChecks = sdkLoaded();
const source = await pkg.atprotoAuthorFeed.definition.create({});
const afterCreate = sdkLoaded();
await source.close?.();
console.log(JSON.stringify({ factories: factories.length, afterChecks, afterCreate }));
`;

it('loads @atproto/api only when a source instance is created, not on import nor in validation checks', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  expect(JSON.parse(stdout)).toEqual({ factories: 7, afterChecks: false, afterCreate: true });
});
