/** A value, or a function returning it: lets a suite read options made in `beforeAll` (e.g. a server URL). */
export type Lazy<T> = T | (() => T);

export function resolveLazy<T>(value: Lazy<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value;
}
