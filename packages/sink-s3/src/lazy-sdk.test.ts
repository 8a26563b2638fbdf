// Importing the package, as every config that uses it does, and running the checks `etl validate` runs must
// not load @aws-sdk/client-s3: ~0.25 s of start-up that validate and list would pay for nothing. Only
// creating a sink or state store instance (a run, `etl runs`, `etl state`) loads it. The built package runs
// in a fresh node process, since vitest's own process may have loaded the SDK already; a top-level import of
// it on the way fails this test.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const dist = pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), '../dist/index.js')).href;

const script = `
import { createRequire } from 'node:module';
// The SDK resolves to its CommonJS build: however it is imported, it lands in require.cache.
const sdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/@aws-sdk/client-s3/'));
const { s3Sink, s3State } = await import(${JSON.stringify(dist)});
const problems = s3Sink.definition.check?.({ bucket: 'raw', key: '{pipeline}/{partition}.jsonl' });
const afterChecks = sdkLoaded();
const sink = await s3Sink.definition.create({ bucket: 'raw', key: '{pipeline}/{partition}.jsonl', region: 'us-east-1' });
const afterCreate = sdkLoaded();
await sink.close?.();
const store = await s3State.definition.create({ bucket: 'raw', region: 'us-east-1' }, { configDirectory: process.cwd() });
console.log(JSON.stringify({ problems, afterChecks, afterCreate, store: typeof store.getTaskState }));
`;

it('loads @aws-sdk/client-s3 only when an instance is created, not on import nor in validation checks', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  expect(JSON.parse(stdout)).toEqual({ problems: [], afterChecks: false, afterCreate: true, store: 'function' });
});
