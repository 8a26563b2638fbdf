import { defineSink, type SinkTask } from '@etl/core';

export type ToySinkFlaw = 'none' | 'loses-records' | 'visible-early' | 'abort-keeps' | 'appends' | 'leaks-secret' | 'forgets-chunks';

/** What a toy sink made visible, by `pipeline/partition`; `read` is the kit's reader for it. */
export interface ToyStore {
  readonly visible: Map<string, unknown[]>;
  read(task: SinkTask): Promise<readonly unknown[]>;
}

export function toyStore(): ToyStore {
  const visible = new Map<string, unknown[]>();
  return { visible, read: async (task) => visible.get(`${task.pipeline}/${task.partition}`) ?? [] };
}

/** An in-memory sink with staging, chunks and an optional flaw. */
export function toySink(flaw: ToySinkFlaw, store: ToyStore) {
  return defineSink({
    name: `toy.sink.${flaw}`,
    options: {
      type: 'object',
      additionalProperties: false,
      properties: { prefix: { type: 'string', minLength: 1 }, password: { type: 'string', secret: true } },
    } as const,
    create: (options) => ({
      async open(task) {
        const key = `${task.pipeline}/${task.partition}`;
        const chunks = new Map<number, unknown[]>();
        let staged: unknown[] = [];
        let chunk = task.resume?.chunks ?? 0;
        const resumedRecords = task.resume?.outputs.reduce((sum, o) => sum + o.records, 0) ?? 0;
        const published = (): unknown[] => (flaw === 'visible-early' ? (store.visible.get(key) ?? []) : []);
        return {
          async write(records) {
            staged = flaw === 'loses-records' ? [...records] : [...staged, ...records];
            if (flaw === 'visible-early') store.visible.set(key, [...published(), ...records]);
          },
          async checkpoint() {
            chunks.set(chunk++, staged);
            store.visible.set(`${key}#chunk${chunk}`, staged);
            staged = [];
            return { outputs: [...chunks.values()].map((c, i) => ({ location: `${key}#chunk${i + 1}`, records: c.length })) };
          },
          async commit() {
            if (flaw === 'leaks-secret') throw new Error(`cannot log in as ${Buffer.from(options.password ?? '').toString('base64')}`);
            const earlier = flaw === 'forgets-chunks' ? [] : [...store.visible.entries()].filter(([k]) => k.startsWith(`${key}#chunk`)).flatMap(([, v]) => v);
            const before = flaw === 'appends' ? (store.visible.get(key) ?? []) : [];
            if (flaw !== 'visible-early') store.visible.set(key, [...before, ...earlier, ...staged]);
            for (const k of [...store.visible.keys()]) if (k.startsWith(`${key}#chunk`)) store.visible.delete(k);
            return { outputs: [{ location: key, records: resumedRecords + [...chunks.values()].reduce((sum, c) => sum + c.length, 0) + staged.length }] };
          },
          async abort() {
            if (flaw === 'abort-keeps') store.visible.set(key, staged);
            staged = [];
          },
        };
      },
    }),
  });
}
