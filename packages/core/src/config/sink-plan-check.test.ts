import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { validateConfig } from './validate-config.js';
import { defineSink, defineSource, fromPipeline, type SinkPlanEntry } from '../index.js';

// A sink plugin's checkPlan sees every pipeline writing to it (any of its values) with its static
// partitions, so collisions between tasks are found by `etl validate` (issue 17 item 2).
const source = defineSource({ name: 'test.source', options: { type: 'object' } as const, create: () => ({ fetchPage: async () => ({ records: [] }) }) });
const seen: SinkPlanEntry<{ name: string }>[][] = [];
const sink = defineSink({
  name: 'test.planned',
  options: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } as const,
  checkPlan: (entries) => {
    seen.push([...entries]);
    const names = new Map<string, string>();
    return entries.flatMap((entry) => {
      const earlier = names.get(entry.options.name);
      names.set(entry.options.name, entry.pipeline);
      return earlier === undefined ? [] : [{ pipeline: entry.pipeline, path: 'name', message: `also written by pipeline ${earlier}` }];
    });
  },
  create: () => ({ open: async () => ({ write: async () => {}, commit: async () => ({ outputs: [] }), abort: async () => {} }) }),
});

function problemsOf(config: unknown): string[] {
  try {
    validateConfig(config, 'etl.config.ts');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('SinkDefinition.checkPlan', () => {
  it('gets every valid pipeline of the plugin once, with static partitions or undefined for fromPipeline, and its problems land at their pipeline', () => {
    seen.length = 0;
    const shared = sink({ name: 'x' });
    const problems = problemsOf({
      pipelines: {
        a: { source: source({}), partitions: ['p', 'q'], sink: shared },
        b: { source: source({}), partitions: fromPipeline('a', () => 'r'), sink: sink({ name: 'x' }) },
        bad: { source: source({}), partitions: ['p'], sink: sink({ name: '' }) },
        c: { source: source({}), partitions: ['p'], sink: shared },
      },
    });
    expect(seen).toEqual([[
      { pipeline: 'a', options: { name: 'x' }, partitions: ['p', 'q'] },
      { pipeline: 'b', options: { name: 'x' }, partitions: undefined },
      { pipeline: 'c', options: { name: 'x' }, partitions: ['p'] },
    ]]);
    expect(problems).toEqual([
      'pipelines.bad.sink.name: expected a string of at least 1 character(s), found string ""',
      'pipelines.b.sink.name: also written by pipeline a',
      'pipelines.c.sink.name: also written by pipeline b',
    ]);
  });
});
