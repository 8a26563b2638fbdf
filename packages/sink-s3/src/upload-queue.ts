/**
 * Runs a task's part uploads, at most `limit` at a time, in the order they were queued. `run` waits for a
 * free slot (backpressure: with the part being filled that bounds a task's memory to about
 * (limit + 1) x part size) and then starts the upload in the background. The first failure is kept and
 * rethrown by every later `run` and by `drain`.
 */
export class UploadQueue {
  readonly #limit: number;
  readonly #running = new Set<Promise<void>>();
  #failure: { readonly error: unknown } | undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run(upload: () => Promise<void>): Promise<void> {
    this.#throwIfFailed();
    while (this.#running.size >= this.#limit) {
      await Promise.race(this.#running);
      this.#throwIfFailed();
    }
    const running: Promise<void> = upload()
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Waits for every started upload; throws the first failure. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
    this.#throwIfFailed();
  }

  /** Waits for every started upload, ignoring failures (before aborting what they uploaded). */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
