import { defineSource } from '@etl/core';

export type ToyFlaw = 'none' | 'cursor-repeats' | 'cursor-returns' | 'duplicates' | 'endless' | 'ignores-signal' | 'leaks-secret' | 'all-retryable';

/**
 * A numbers source with an optional flaw: 10 records, 3 per page; partition `slow` waits 5 s (honouring the
 * signal unless the flaw is `ignores-signal`), partition `bad` fails with status 400, `flaky` with 503.
 */
export function toySource(flaw: ToyFlaw) {
  return defineSource({
    name: `toy.${flaw}`,
    options: {
      type: 'object',
      additionalProperties: false,
      required: ['count'],
      properties: { count: { type: 'integer', minimum: 0 }, token: { type: 'string', secret: true } },
    } as const,
    create: (options) => ({
      async fetchPage({ partition, cursor, signal }) {
        if (partition === 'slow') {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, 5000);
            if (flaw !== 'ignores-signal') signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
          });
        }
        if (partition === 'bad' || partition === 'flaky') {
          const status = partition === 'bad' ? 400 : 503;
          const url = flaw === 'leaks-secret' ? `https://api.test/items?token=${encodeURIComponent(options.token ?? '')}` : 'https://api.test/items';
          throw Object.assign(new Error(`GET ${url} failed with ${status}`), { status });
        }
        const from = Number(cursor ?? 0);
        const page = from / 3 + 1;
        const count = flaw === 'endless' ? 3 : Math.min(3, options.count - from);
        const start = flaw === 'duplicates' && page === 3 ? from - 1 : from;
        const records = Array.from({ length: count }, (_, i) => ({ partition, n: start + i }));
        let next = from + count < options.count || flaw === 'endless' ? String(from + count) : undefined;
        if (flaw === 'cursor-repeats' && page === 3) next = cursor;
        if (flaw === 'cursor-returns' && page === 3) next = '3';
        return { records, cursor: next };
      },
      isRetryable: (error) => flaw === 'all-retryable' || (error as { status?: number }).status !== 400,
    }),
  });
}
