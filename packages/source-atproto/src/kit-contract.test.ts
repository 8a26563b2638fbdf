// The plugin authors' kit against the built-in author-feed source, on the loopback AppView fixture.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset, startAppView, type AppView } from '@etl/dev-servers';
import { testSource } from '@etl/testkit';
import { afterAll, beforeAll } from 'vitest';
import { atprotoAuthorFeed } from './author-feed-source.js';
import { closedPort } from './test-support/feed-fixture.js';

const dataset = generateDataset({ seed: 7, postsPerActor: [120, 0, 5] });
const [big, empty, small] = dataset.actors as [(typeof dataset.actors)[0], (typeof dataset.actors)[0], (typeof dataset.actors)[0]];

let server: AppView;
let slow: AppView;
let refused = 0;
let dir = '';
beforeAll(async () => {
  server = await startAppView({ dataset });
  slow = await startAppView({ dataset, faults: () => ({ delayMs: 20_000 }) });
  refused = await closedPort();
  dir = await mkdtemp(join(tmpdir(), 'etl-atproto-kit-'));
});
afterAll(async () => {
  await Promise.all([server.close(), slow.close(), rm(dir, { recursive: true, force: true })]);
});

testSource(atprotoAuthorFeed, {
  options: () => ({ service: server.url, limit: 25 }),
  partitions: [big.handle, empty.did, small.handle],
  recordKey: (item) => item.post.uri,
  badOptions: [
    { options: { limit: 0 }, path: 'limit' },
    { options: { filter: 'everything' }, path: 'filter' },
    { options: { service: 'https://x.test', surprise: 1 } },
  ],
  errorCases: () => [
    { name: 'unknown actor', partition: 'nobody.invalid-actor.test', retryable: false },
    { name: 'connection refused', options: { service: `http://127.0.0.1:${refused}` }, partition: big.did, retryable: true },
  ],
  abort: () => ({ options: { service: slow.url }, partition: big.did }),
  secret: () => ({
    // A wrong app password: the login fails, and the password must not show anywhere.
    options: (password) => ({ auth: { identifier: big.handle, password, service: server.url, sessionFile: join(dir, 'session.json') } }),
    partitions: [big.handle],
  }),
});
