// Guarantee (correctness at scale): 10,000 partitions through runPipelines all succeed, each exactly once.
import { expect, it } from 'vitest';
import { defineSink, defineSource } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';

const N = 10_000;
it('10,000 tasks: all succeed, each partition fetched and committed exactly once', async () => {
  const fetched = new Map<string, number>();
  const committed = new Map<string, number>();
  const source = defineSource({
    name: 'test.scale',
    options: { type: 'object', additionalProperties: false },
    create: () => ({
      fetchPage: async ({ partition }) => {
        fetched.set(partition, (fetched.get(partition) ?? 0) + 1);
        return { records: [{ partition }], cursor: undefined };
      },
    }),
  });
  const sink = defineSink({
    name: 'test.scaleSink',
    options: { type: 'object', additionalProperties: false },
    create: () => ({
      open: async ({ partition }) => ({
        write: async () => undefined,
        commit: async () => {
          committed.set(partition, (committed.get(partition) ?? 0) + 1);
          return { outputs: [] };
        },
        abort: async () => undefined,
      }),
    }),
  });
  const partitions = Array.from({ length: N }, (_, i) => `p${i}`);
  const config = validateConfig({ concurrency: { limit: 16 }, pipelines: { p: { source: source({}), partitions, sink: sink({}) } } }, 'etl.config.ts');
  const summary = await runPipelines(config, { state: false });
  expect(summary.status).toBe('succeeded');
  expect(summary.tasks).toHaveLength(N);
  expect(summary.tasks.every((t) => t.status === 'succeeded')).toBe(true);
  expect(new Set(summary.tasks.map((t) => t.partition)).size).toBe(N);
  expect(fetched.size).toBe(N);
  expect(committed.size).toBe(N);
  expect([...fetched.values(), ...committed.values()].every((n) => n === 1)).toBe(true);
}, 60_000);
