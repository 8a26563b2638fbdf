/**
 * The full-size part buffers of one task, reused once their upload has succeeded. A fresh buffer per
 * part is freed only when V8 next collects its (by then old-generation) owner, so under steady writing
 * dead parts piled up to V8's external-memory threshold beside the live ones, and peak RSS depended on
 * GC timing instead of on the upload limit. The pool holds no more buffers than were ever in use at
 * once: the parts in flight, which the upload queue bounds, and the one being filled.
 */
export class PartPool {
  readonly #partSize: number;
  readonly #free: Buffer[] = [];

  constructor(partSize: number) {
    this.#partSize = partSize;
  }

  get partSize(): number {
    return this.#partSize;
  }

  /** A buffer of exactly the part size, with arbitrary contents. */
  acquire(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.#partSize);
  }

  /**
   * Gives back a buffer from `acquire()` once nothing reads it any more (its upload succeeded). A buffer
   * whose upload failed is never released: the request may still hold it, and the task fails anyway.
   */
  release(buffer: Buffer): void {
    if (buffer.length !== this.#partSize) throw new RangeError(`a part buffer of ${buffer.length} bytes does not belong to a pool of ${this.#partSize}-byte parts`);
    // Handing one buffer to two uploads would corrupt an object silently.
    if (this.#free.includes(buffer)) throw new Error('part buffer released twice');
    this.#free.push(buffer);
  }
}
