// A barrier for tests that prove a limit is reached: work held behind it goes on only once `count`
// distinct parties have arrived, so the overlap the test asserts is forced instead of hoped for. It opens
// anyway after a timeout (so nothing hangs) and then says what was missing: the test asserts `failure`.

export class Barrier {
  readonly #what: string;
  readonly #count: number;
  readonly #arrived = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #open!: () => void;
  #isOpen = false;
  #failure: string | undefined;
  /** Settles when the barrier opens, whether all arrived or it timed out. */
  readonly opened: Promise<void>;

  constructor(what: string, count: number, timeoutMs: number) {
    this.#what = what;
    this.#count = count;
    this.opened = new Promise<void>((resolve) => (this.#open = resolve));
    this.#timer = setTimeout(() => {
      this.#failure = `${what}: ${this.#arrived.size} of ${count} arrived within ${timeoutMs} ms (${[...this.#arrived].join(', ') || 'none'})`;
      this.#release();
    }, timeoutMs);
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  /** Why the barrier opened without everyone, or undefined if all arrived (or it is still closed). */
  get failure(): string | undefined {
    return this.#failure;
  }

  arrive(who: string): void {
    if (this.#isOpen) return;
    this.#arrived.add(who);
    if (this.#arrived.size >= this.#count) this.#release();
  }

  #release(): void {
    clearTimeout(this.#timer);
    this.#isOpen = true;
    this.#open();
  }

  toString(): string {
    return `${this.#what} (${this.#arrived.size}/${this.#count})`;
  }
}
