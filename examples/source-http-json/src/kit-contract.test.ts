import { testSource } from '@etl/testkit';
import { afterAll, beforeAll } from 'vitest';
import { httpJsonSource } from './index.js';
import { closedPort, startJsonServer, type JsonServer } from './test-support/json-server.js';

let server: JsonServer;
let refusedPort = 0;
beforeAll(async () => {
  server = await startJsonServer();
  refusedPort = await closedPort();
});
afterAll(async () => {
  await server.close();
});
const base = () => ({ url: `${server.url}/link/{partition}`, recordsPointer: '/items', pagination: { type: 'link' as const } });

testSource(httpJsonSource, {
  options: base,
  partitions: ['p0', 'p2', 'p10'],
  recordKey: (record) => (record as { id: string }).id,
  badOptions: [
    { options: { recordsPointer: '/items', pagination: { type: 'link' } }, path: 'url' },
    { options: { url: 'http://x/{partition}', recordsPointer: 'items', pagination: { type: 'link' } }, path: 'recordsPointer' },
    { options: { url: 'http://x/{partition}', recordsPointer: '', pagination: { type: 'cursor' } }, path: 'pagination' },
    { options: { url: 'not a url', recordsPointer: '', pagination: { type: 'link' } }, path: 'url' },
    { options: { url: 'http://x/{partition}', recordsPointer: '', pagination: { type: 'link' }, timeoutMs: 0 }, path: 'timeoutMs' },
  ],
  errorCases: () => [
    { name: '429 rate limited', options: { ...base(), url: `${server.url}/status/{partition}` }, partition: '429', retryable: true },
    { name: '502 bad gateway', options: { ...base(), url: `${server.url}/status/{partition}` }, partition: '502', retryable: true },
    { name: '404 unknown partition', partition: 'nope', retryable: false },
    { name: 'timeout', options: { ...base(), url: `${server.url}/slow/{partition}`, timeoutMs: 100 }, partition: 'x', retryable: true },
    { name: 'connection refused', options: { ...base(), url: `http://127.0.0.1:${refusedPort}/{partition}` }, partition: 'x', retryable: true },
  ],
  abort: () => ({ options: { ...base(), url: `${server.url}/slow/{partition}` }, partition: 'x' }),
  secret: () => ({
    // A failing run (401 with the secret header sent) must not show the header value anywhere.
    options: (secret) => ({ ...base(), url: `${server.url}/status/{partition}`, secretHeaders: { authorization: `Bearer ${secret}` } }),
    partitions: ['401'],
  }),
});
