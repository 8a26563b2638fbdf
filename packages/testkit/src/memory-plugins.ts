import { defineSink, defineSource } from '@etl/core';

/** A trivial source for checking sinks: `pages` pages of `perPage` records `{ partition, n }` per partition. */
export const memorySource = defineSource({
  name: 'testkit.memorySource',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { pages: { type: 'integer', minimum: 1 }, perPage: { type: 'integer', minimum: 1 } },
  } as const,
  create: (options) => ({
    async fetchPage({ partition, cursor }) {
      const page = Number(cursor ?? 0);
      const perPage = options.perPage ?? 2;
      const records = Array.from({ length: perPage }, (_, i) => ({ partition, n: page * perPage + i }));
      return { records, cursor: page + 1 < (options.pages ?? 2) ? String(page + 1) : undefined };
    },
  }),
});

/** A trivial sink for checking sources: keeps the records of the writer in memory and drops them. */
export const memorySink = defineSink({
  name: 'testkit.memorySink',
  options: { type: 'object', additionalProperties: false, properties: {} } as const,
  create: () => ({
    async open(task) {
      const written: unknown[] = [];
      return {
        async write(records) {
          written.push(...records);
        },
        async commit() {
          return { outputs: [{ location: `memory://${task.pipeline}/${task.partition}`, records: written.length }] };
        },
        async abort() {
          written.length = 0;
        },
      };
    },
  }),
});
