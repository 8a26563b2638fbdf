import { abortReason } from '@etl/core';

/** Waits `ms`, or rejects with the abort reason as soon as `signal` aborts (a cancelled run must not sit out a pause). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortErrorOf(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorOf(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The signal's reason if it is an abort error, else a DOM AbortError: callers recognise aborts by name. */
export const abortErrorOf = (signal: AbortSignal): Error => abortReason(signal);
