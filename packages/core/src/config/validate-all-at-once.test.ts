import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { validateConfig } from './validate-config.js';
import { defineSink, defineSource, type PluginProblem } from '../index.js';

// One `etl validate` reports every problem, once, with suggestions from the level the key was found at
// (issue 17 item 5).
function problemsOf(config: unknown): string[] {
  try {
    validateConfig(config, 'etl.config.ts');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}${p.suggestion ? ` (${p.suggestion})` : ''}`);
    throw error;
  }
  return [];
}

const source = defineSource({
  name: 'test.source',
  options: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1 }, name: { type: 'string' } } } as const,
  check: (options): PluginProblem[] => (typeof options.name === 'string' && options.name.includes(' ') ? [{ path: 'name', message: 'no spaces in a name' }] : []),
  create: () => ({ fetchPage: async () => ({ records: [] }) }),
});

const sink = defineSink({
  name: 'test.sink',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: { key: { type: 'string' }, partSize: { type: 'integer', minimum: 5 } },
  } as const,
  // Guards itself: called also when other options failed the schema.
  check: (options): PluginProblem[] => (typeof options.key === 'string' && options.key.includes('{day}') ? [{ path: 'key', message: 'unknown placeholder {day}' }] : []),
  create: () => ({ open: async () => ({ write: async () => {}, commit: async () => ({ outputs: [] }), abort: async () => {} }) }),
});

describe('validateConfig reports everything in one run', () => {
  it("runs a plugin's own checks even when another of its options fails the schema", () => {
    const problems = problemsOf({ pipelines: { feeds: { source: source({}), partitions: ['a'], sink: sink({ key: 'x/{day}', partSize: 1 }) } } });
    expect(problems).toEqual([
      'pipelines.feeds.sink.partSize: expected a number >= 5, found number 1',
      'pipelines.feeds.sink.key: unknown placeholder {day}',
    ]);
  });

  it('does not fail on a check that cannot read options the schema refused', () => {
    const crashing = defineSink({
      name: 'test.crashing',
      options: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } } as const,
      check: (options): PluginProblem[] => (options.key.endsWith('/') ? [{ path: 'key', message: 'ends in /' }] : []),
      create: () => ({ open: async () => ({ write: async () => {}, commit: async () => ({ outputs: [] }), abort: async () => {} }) }),
    });
    expect(problemsOf({ pipelines: { feeds: { source: source({}), partitions: ['a'], sink: crashing({} as never) } } })).toEqual([
      'pipelines.feeds.sink.key: is required but missing',
    ]);
  });

  it('reports the problems of a sink value shared by pipelines once, where it is first used, naming the others', () => {
    const shared = sink({ key: 'x/{day}', partSize: 1 });
    const problems = problemsOf({
      pipelines: {
        a: { source: source({}), partitions: ['p'], sink: shared },
        b: { source: source({}), partitions: ['p'], sink: shared },
        c: { source: source({}), partitions: ['p'], sink: shared },
      },
    });
    expect(problems).toEqual([
      'pipelines.a.sink.partSize: expected a number >= 5, found number 1 (the same sink value is also used by pipelines b, c)',
      'pipelines.a.sink.key: unknown placeholder {day} (the same sink value is also used by pipelines b, c)',
    ]);
  });

  it('reports the problems of a shared source value once', () => {
    const shared = source({ limit: 0, name: 'a b' });
    const good = sink({ key: 'x' });
    expect(problemsOf({ pipelines: { a: { source: shared, partitions: ['p'], sink: good }, b: { source: shared, partitions: ['p'], sink: good } } })).toEqual([
      'pipelines.a.source.limit: expected a number >= 1, found number 0 (the same source value is also used by pipeline b)',
      'pipelines.a.source.name: no spaces in a name (the same source value is also used by pipeline b)',
    ]);
  });

  it("says a top-level key inside a pipeline belongs at the top level, without a pipeline key's suggestion", () => {
    const problems = problemsOf({ pipelines: { feeds: { source: source({}), partitions: ['a'], sink: sink({ key: 'x' }), concurrency: { limit: 2 } } } });
    expect(problems).toEqual(["pipelines.feeds.concurrency: 'concurrency' is not a pipeline option; it belongs at the top level of the config"]);
  });

  it('says a pipeline key at the top level belongs inside a pipeline', () => {
    const problems = problemsOf({ partitions: ['a'], pipelines: { feeds: { source: source({}), partitions: ['a'], sink: sink({ key: 'x' }) } } });
    expect(problems).toEqual(["partitions: 'partitions' is not a top-level option; it belongs inside a pipeline (pipelines.<name>.partitions)"]);
  });

  it('suggests only keys close to the unknown one', () => {
    expect(problemsOf({ pipelines: { feeds: { source: source({}), partitions: ['a'], sink: sink({ key: 'x' }), grup: 'g' } } })).toEqual([
      "pipelines.feeds.grup: unknown key 'grup'; expected one of: source, sink, partitions, group, policy, transform, description, mode, checkpoint (did you mean 'group'?)",
    ]);
    expect(problemsOf({ pipelines: { feeds: { source: source({}), partitions: ['a'], sink: sink({ key: 'x' }), retries: 3 } } })).toEqual([
      "pipelines.feeds.retries: unknown key 'retries'; expected one of: source, sink, partitions, group, policy, transform, description, mode, checkpoint",
    ]);
  });
});
