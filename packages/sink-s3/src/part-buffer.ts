/** Bytes waiting to become multipart parts; cuts exact-size parts so every part but the last is equal. */
export class PartBuffer {
  #chunks: Buffer[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  /** The first `bytes` bytes, as one new buffer (the buffer must hold at least that many). */
  take(bytes: number): Buffer {
    if (bytes > this.#size) throw new RangeError(`cannot take ${bytes} bytes from ${this.#size}`);
    const part = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.#chunks[0] as Buffer;
      const used = Math.min(chunk.length, bytes - filled);
      chunk.copy(part, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      // A copy, not a view: a view would keep the whole chunk alive until the rest is taken.
      else this.#chunks[0] = Buffer.from(chunk.subarray(used));
    }
    this.#size -= bytes;
    return part;
  }

  takeAll(): Buffer {
    return this.take(this.#size);
  }
}
