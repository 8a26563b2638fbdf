import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { countNdjsonLines } from './ndjson-object-lines.js';

/** The bytes as a stream cut into `size`-byte chunks, so lines straddle chunk boundaries. */
const chunked = (bytes: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

describe('countNdjsonLines', () => {
  const text = Buffer.from(['{"n":0}', '{"n":1}', '{"n":22}'].map((line) => `${line}\n`).join(''));

  it('counts lines and keeps the last one, wherever the chunks cut', async () => {
    for (const size of [1, 3, 8, 9, 1000]) expect(await countNdjsonLines(chunked(text, size), false)).toEqual({ lines: 3, lastLine: '{"n":22}' });
  });

  it('reads gzip', async () => {
    expect(await countNdjsonLines(chunked(gzipSync(text), 5), true)).toEqual({ lines: 3, lastLine: '{"n":22}' });
  });

  it('fails on a truncated object (bytes after the last newline)', async () => {
    await expect(countNdjsonLines(chunked(Buffer.concat([text, Buffer.from('{"n"')]), 4), false)).rejects.toThrow(/after its last newline/);
  });
});
