/**
 * Keys a run has handed out in this process, so that two writers of one run never share an object key:
 * two pipelines rendering the same data key (a template without {pipeline} on a shared sink), or two
 * sink values writing the same manifest. Without this the later write would silently replace the
 * earlier one. Claims are scoped by run and released when the sink instance closes.
 */
export class KeyClaims {
  readonly #owners = new Map<string, { readonly owner: object; readonly description: string }>();

  /** Claims `key` in `scope` for `owner`; returns the description of another owner that holds it, if any. */
  claim(scope: string, key: string, owner: object, description: string): string | undefined {
    const id = `${scope}\u0000${key}`;
    const current = this.#owners.get(id);
    if (current !== undefined && (current.owner !== owner || current.description !== description)) return current.description;
    this.#owners.set(id, { owner, description });
    return undefined;
  }

  release(owner: object): void {
    for (const [id, claim] of this.#owners) if (claim.owner === owner) this.#owners.delete(id);
  }
}

/** One registry per process: sink instances of one run do not know each other. */
export const keyClaims = new KeyClaims();
