import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSink } from '@etl/testkit';
import { beforeAll } from 'vitest';
import { renderKey, DEFAULT_KEY } from './file-key.js';
import { ndjsonFileSink } from './index.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'etl-ndjson-kit-'));
});

testSink(ndjsonFileSink, {
  options: () => ({ directory }),
  read: async (task) => {
    const text = await readFile(join(directory, renderKey(DEFAULT_KEY, task)), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
  },
  badOptions: [
    { options: {}, path: 'directory' },
    { options: { directory: '' }, path: 'directory' },
    { options: { directory: 'out', key: '{pipeline}/{day}.ndjson' }, path: 'key' },
    { options: { directory: 'out', key: '../{partition}.ndjson' }, path: 'key' },
  ],
});
