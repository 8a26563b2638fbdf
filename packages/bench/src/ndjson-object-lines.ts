// Reads an NDJSON(.gz) object back as a stream and counts its lines without holding it in memory, so
// the harness can check what a benchmark wrote however large the object is.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export interface NdjsonLines {
  readonly lines: number;
  /** The last line, without its newline. */
  readonly lastLine: string;
}

const NEWLINE = 0x0a;

export async function countNdjsonLines(body: Readable, gzip: boolean): Promise<NdjsonLines> {
  let lines = 0;
  let lastLine = Buffer.alloc(0);
  /** Bytes after the last newline seen so far: the start of a line that has not ended yet. */
  let open = Buffer.alloc(0);
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      const last = chunk.lastIndexOf(NEWLINE);
      if (last === -1) {
        open = Buffer.concat([open, chunk]);
        continue;
      }
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
      const previous = last === 0 ? -1 : chunk.lastIndexOf(NEWLINE, last - 1);
      lastLine = previous === -1 ? Buffer.concat([open, chunk.subarray(0, last)]) : Buffer.from(chunk.subarray(previous + 1, last));
      open = Buffer.from(chunk.subarray(last + 1));
    }
  };
  if (gzip) await pipeline(body, createGunzip(), consume);
  else await pipeline(body, consume);
  // NDJSON ends every record with a newline: trailing bytes mean a truncated or corrupt object.
  if (open.length > 0) throw new Error(`the object ends with ${open.length} bytes after its last newline`);
  return { lines, lastLine: lastLine.toString('utf8') };
}
