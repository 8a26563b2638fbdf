import type { PartPool } from './part-pool.js';

/**
 * Bytes waiting to become multipart parts; cuts exact-size parts so every part but the last is equal.
 *
 * Bytes first wait as the chunks they came in. Once a full part has been cut the object is a large one:
 * from then on bytes are copied into a pooled part buffer as they arrive, and a full part is handed over
 * without a copy. Chunks left waiting for a whole part to fill lived long enough to reach V8's old
 * generation, so every part's worth of them became garbage that only a full GC frees, and that garbage,
 * not live data, set the peak RSS. Small objects never take from the pool and hold only their own bytes.
 */
export class PartBuffer {
  /** Bytes after those in `#filling`, in order. */
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #pool: PartPool | undefined;
  /** A pooled part filled in place; its first `#filled` bytes are data. Full whenever `#chunks` is not empty. */
  #filling: Buffer | undefined;
  #filled = 0;

  /** Without a pool every part is a new buffer and bytes always wait as chunks. */
  constructor(pool?: PartPool) {
    this.#pool = pool;
  }

  get size(): number {
    return this.#size;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#size += chunk.length;
    this.#place(chunk);
  }

  /**
   * The first `bytes` bytes (this buffer must hold at least that many). A part of the pool's size is a
   * pooled buffer, to be given back to the pool once nothing reads it; any other size is a new buffer.
   */
  take(bytes: number): Buffer {
    if (bytes > this.#size) throw new RangeError(`cannot take ${bytes} bytes from ${this.#size}`);
    const filling = this.#filling;
    if (filling !== undefined && bytes === filling.length && this.#filled === bytes) {
      this.#size -= bytes;
      this.#startFilling();
      return filling;
    }
    this.#stopFilling();
    const pool = this.#pool;
    if (pool === undefined || bytes !== pool.partSize) return this.#copyOut(Buffer.allocUnsafe(bytes));
    const part = this.#copyOut(pool.acquire());
    this.#startFilling();
    return part;
  }

  /** Everything held, as a new buffer (the last bytes of an object: nothing fills in place after it). */
  takeAll(): Buffer {
    this.#stopFilling();
    return this.#copyOut(Buffer.allocUnsafe(this.#size));
  }

  /** Moves the first `part.length` waiting bytes into `part`. */
  #copyOut(part: Buffer): Buffer {
    let filled = 0;
    while (filled < part.length) {
      const chunk = this.#chunks[0] as Buffer;
      const used = Math.min(chunk.length, part.length - filled);
      chunk.copy(part, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      // A copy, not a view: a view would keep the whole chunk alive until the rest is taken.
      else this.#chunks[0] = Buffer.from(chunk.subarray(used));
    }
    this.#size -= part.length;
    return part;
  }

  #place(chunk: Buffer): void {
    if (this.#filling !== undefined && this.#chunks.length === 0) {
      const copied = chunk.copy(this.#filling, this.#filled);
      this.#filled += copied;
      if (copied === chunk.length) return;
      // The overflow (at most what one write produced) waits for the next part; a view copies nothing.
      chunk = chunk.subarray(copied);
    }
    this.#chunks.push(chunk);
  }

  /** Takes a fresh pooled part and moves the waiting bytes into it. */
  #startFilling(): void {
    this.#filling = (this.#pool as PartPool).acquire();
    this.#filled = 0;
    const waiting = this.#chunks;
    this.#chunks = [];
    for (const chunk of waiting) this.#place(chunk);
  }

  /** Back to chunks (for a take that is not one whole filled part): the pooled buffer returns to the pool. */
  #stopFilling(): void {
    const filling = this.#filling;
    if (filling === undefined) return;
    this.#filling = undefined;
    if (this.#filled > 0) this.#chunks.unshift(Buffer.from(filling.subarray(0, this.#filled)));
    this.#pool?.release(filling);
  }
}
