import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SinkTask } from '@etl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndjsonFileSink } from './index.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'etl-ndjson-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const task = (partition: string, pipeline = 'feeds'): SinkTask => ({
  runId: 'r1', pipeline, partition, runStartedAt: new Date('2024-01-02T03:04:05Z'), signal: new AbortController().signal,
});

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('ndjsonFileSink', () => {
  it('writes <directory>/<pipeline>/<partition>.ndjson on commit, one JSON record per line', async () => {
    const sink = await ndjsonFileSink.definition.create({ directory });
    const writer = await sink.open(task('alice.test'));
    await writer.write([{ a: 1 }, { b: 'ü\n' }]);
    await writer.write([{ c: null }]);
    expect(await files(directory)).toEqual([expect.stringMatching(/^feeds\/\.alice\.test\.ndjson\..+\.tmp$/)]);
    const { outputs } = await writer.commit();
    const file = join(directory, 'feeds/alice.test.ndjson');
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n{"b":"ü\\n"}\n{"c":null}\n');
    expect(outputs).toEqual([{ location: file, records: 3, bytes: 32 }]);
    expect(await files(directory)).toEqual(['feeds/alice.test.ndjson']);
  });

  it('percent-encodes partitions and pipelines so they cannot leave the directory', async () => {
    const sink = await ndjsonFileSink.definition.create({ directory: join(directory, 'out') });
    for (const [pipeline, partition] of [['feeds', '../../escape'], ['..', '..'], ['p', 'a/b\\c%2F'], ['p', '.']]) {
      const writer = await sink.open(task(partition!, pipeline));
      await writer.write([{ partition }]);
      await writer.commit();
    }
    expect(await files(directory)).toEqual(['out/%2E./%2E..ndjson', 'out/feeds/%2E.%2F..%2Fescape.ndjson', 'out/p/%2E.ndjson', 'out/p/a%2Fb%5Cc%252F.ndjson']);
  });

  it('abort() removes the temp file and leaves an earlier committed file untouched', async () => {
    const sink = await ndjsonFileSink.definition.create({ directory });
    const first = await sink.open(task('bob'));
    await first.write([{ v: 1 }]);
    await first.commit();
    const second = await sink.open(task('bob'));
    await second.write([{ v: 2 }]);
    await second.abort(new Error('stop'));
    expect(await files(directory)).toEqual(['feeds/bob.ndjson']);
    expect(await readFile(join(directory, 'feeds/bob.ndjson'), 'utf8')).toBe('{"v":1}\n');
  });

  it('honours a key template with {runId} and {date}', async () => {
    const sink = await ndjsonFileSink.definition.create({ directory, key: 'dt={date}/{runId}/{partition}.jsonl' });
    const writer = await sink.open(task('x y'));
    await writer.commit();
    expect(await files(directory)).toEqual(['dt=2024-01-02/r1/x%20y.jsonl']);
  });
});
