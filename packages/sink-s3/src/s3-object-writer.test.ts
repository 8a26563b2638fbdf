import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartPool } from './part-pool.js';
import { S3ObjectWriter } from './s3-object-writer.js';
import { UploadQueue } from './upload-queue.js';

/** A client whose part uploads finish only when the test says so; it records each body as sent and as finished. */
function heldClient() {
  const parts: { partNumber: number; atStart: string; body: Buffer }[] = [];
  const finished: { partNumber: number; atEnd: string }[] = [];
  const held: (() => void)[] = [];
  const client = {
    config: { requestChecksumCalculation: async () => 'WHEN_REQUIRED' },
    async send(command: unknown) {
      if (command instanceof CreateMultipartUploadCommand) return { UploadId: 'upload-1' };
      if (command instanceof CompleteMultipartUploadCommand) return {};
      if (command instanceof UploadPartCommand) {
        const partNumber = command.input.PartNumber ?? 0;
        const body = command.input.Body as Buffer;
        parts.push({ partNumber, atStart: body.toString(), body });
        await new Promise<void>((resolve) => held.push(resolve));
        // What the server would have read by now: the same bytes, unless the buffer was refilled meanwhile.
        finished.push({ partNumber, atEnd: body.toString() });
        return { ETag: `"${partNumber}"` };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  const releaseAll = async () => {
    while (held.length > 0) {
      for (const release of held.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { client: client as unknown as S3Client, parts, finished, held, releaseAll };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('S3ObjectWriter parts', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('holds at most the parts in flight + the one filling, and refills a part buffer only after its upload finished', async () => {
    const s3 = heldClient();
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const partBuffers = () => allocations.mock.calls.filter(([size]) => size === 4).length;
    const pool = new PartPool(4);
    const writer = new S3ObjectWriter(
      s3.client,
      { bucket: 'b', key: 'k.jsonl', contentType: 'application/x-ndjson' },
      { compression: 'none', partSizeBytes: 4, queue: new UploadQueue(2), parts: pool, signal: new AbortController().signal },
    );
    await writer.write(Buffer.from('aaaabbbb'), 2);
    await settle();
    expect(s3.parts.map((p) => p.atStart)).toEqual(['aaaa', 'bbbb']);

    // Both slots are busy: the third part waits in the one part filling; no buffer beyond those three.
    let thirdQueued = false;
    const third = writer.write(Buffer.from('cccc'), 1).then(() => (thirdQueued = true));
    await settle();
    expect(thirdQueued).toBe(false);
    expect(s3.parts).toHaveLength(2);
    expect(partBuffers()).toBe(3);

    await s3.releaseAll();
    await third;
    await writer.write(Buffer.from('ddddee'), 2);
    await s3.releaseAll();
    await writer.seal(false);
    await s3.releaseAll();
    await writer.complete();

    expect(s3.parts.map((p) => [p.partNumber, p.atStart])).toEqual([[1, 'aaaa'], [2, 'bbbb'], [3, 'cccc'], [4, 'dddd'], [5, 'ee']]);
    expect(s3.finished.sort((a, b) => a.partNumber - b.partNumber).map((p) => p.atEnd)).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd', 'ee']);
    // Four full parts in three buffers (two uploading, one filling): part 4 reused part 2's once it was up.
    expect(new Set(s3.parts.slice(0, 4).map((p) => p.body.buffer)).size).toBe(3);
    expect(partBuffers()).toBe(3);
  });
});
