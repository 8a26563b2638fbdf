/** Base of every error the core raises: a stable `code` a program can switch on, and a message a user can act on. */
export class EtlError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True for the errors an AbortSignal produces (DOM AbortError, Node's ABORT_ERR, cockatiel's TaskCancelledError). */
export function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'ABORT_ERR' || name === 'TaskCancelledError';
}
