import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { fromPipeline } from './partitions-from.js';
import { validateConfig } from './validate-config.js';
import { memorySink, memorySource } from '../test-support/memory-plugins.js';

// Property-based (issue 17): random mutations of a valid config never crash validateConfig. It either
// resolves the config or throws one ConfigError (CONFIG_INVALID) whose every line names the file and,
// for a problem inside the config, its path.

const FILE = 'test.config.ts';

/** A fresh valid config using most of the envelope: groups, policies, checkpoint, transform, fromPipeline. */
function validConfig(): Record<string, unknown> {
  return {
    concurrency: { limit: 2, groups: { slow: 1, fast: 3 } },
    policy: { retry: { attempts: 3, backoff: { exponential: { initial: '1s', max: '1m' } } }, bulkhead: 2 },
    pipelines: {
      feeds: {
        source: memorySource({ label: 'feeds', token: 'secret-token' }),
        sink: memorySink({ bucket: 'b', mode: 'append' }),
        partitions: ['alice', 'bob'],
        group: 'slow',
        description: 'author feeds',
        mode: 'snapshot',
        checkpoint: { everyPages: 2 },
        policy: { retry: { attempts: 2, backoff: { constant: '150s' } }, bulkhead: 1 },
        transform: (record: unknown) => record,
      },
      likes: {
        source: memorySource({}),
        sink: memorySink({ bucket: 'c' }),
        partitions: fromPipeline('feeds', (record: unknown) => String((record as { id?: unknown }).id)),
      },
    },
  };
}

type Container = Record<string, unknown> | unknown[];
type Slot = { parent: Container; key: string | number };

const isSpec = (value: unknown): boolean => typeof value === 'object' && value !== null && 'definition' in value && 'kind' in value;

/** Every place a value sits in the config; inside a plugin value only its options (the user's part). */
function slots(root: Record<string, unknown>): Slot[] {
  const found: Slot[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        found.push({ parent: node, key: index });
        walk(child);
      });
      return;
    }
    for (const key of Object.keys(node)) {
      if (isSpec(node) && key !== 'options') continue;
      found.push({ parent: node as Record<string, unknown>, key });
      walk((node as Record<string, unknown>)[key]);
    }
  };
  walk(root);
  return found;
}

/** Containers of the config a key can be added to. */
function objects(root: Record<string, unknown>): Record<string, unknown>[] {
  const parents = slots(root)
    .map(({ parent, key }) => (parent as Record<string | number, unknown>)[key])
    .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
  return [root, ...parents];
}

/** Values of the wrong type or shape, beyond JSON: what a TypeScript config can hold. */
const oddValue = fc.constantFrom<unknown>(undefined, null, Number.NaN, Infinity, -Infinity, -0, -1, 0, 1.5, 2 ** 53, true, false, '', ' ', '0', [], {}, [[]], () => 1, new Date(0), /x/, new Map(), Object.create(null), 10n, Symbol('s'));
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddValue, fc.string({ unit: 'binary' }));
const anyKey = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('source', 'sink', 'partitions', 'pipelines', 'concurrency', 'policy', 'state', 'group', 'retry', 'limit', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'kind', 'definition', 'options'));
const partitionList = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('alice', 'bad-one', '', ' ', '..', '/')), { maxLength: 6 });

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'partitions'; at: number; partitions: unknown[] }
  | { kind: 'nest'; at: number; inArray: boolean; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: anyKey, value: anyValue }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('feeds', 'likes', '', '.', '..', 'a/b', '-x', 'x'.repeat(65), '__proto__', 'constructor')) }),
  fc.record({ kind: fc.constant('partitions' as const), at: fc.nat(), partitions: partitionList }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), inArray: fc.boolean(), key: anyKey }),
);

function pick<T>(list: readonly T[], at: number): T | undefined {
  return list.length === 0 ? undefined : list[at % list.length];
}

function setOwn(target: Container, key: string | number, value: unknown): void {
  // defineProperty so that a key like `__proto__` is an own key, as in a config object literal written `["__proto__"]`.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function apply(config: Record<string, unknown>, m: Mutation): void {
  const pipelines = config.pipelines;
  const pipelineMap = typeof pipelines === 'object' && pipelines !== null && !Array.isArray(pipelines) ? (pipelines as Record<string, unknown>) : undefined;
  switch (m.kind) {
    case 'delete': {
      const slot = pick(slots(config), m.at);
      if (!slot) return;
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return;
    }
    case 'replace': {
      const slot = pick(slots(config), m.at);
      if (slot) setOwn(slot.parent, slot.key, m.value);
      return;
    }
    case 'add': {
      const target = pick(objects(config), m.at);
      if (target && !isSpec(target)) setOwn(target, m.key, m.value);
      return;
    }
    case 'rename': {
      if (!pipelineMap) return;
      const name = pick(Object.keys(pipelineMap), m.at);
      if (name === undefined || name === m.name) return;
      const value = pipelineMap[name];
      delete pipelineMap[name];
      setOwn(pipelineMap, m.name, value);
      return;
    }
    case 'partitions': {
      if (!pipelineMap) return;
      const pipeline = pick(Object.values(pipelineMap), m.at);
      if (typeof pipeline === 'object' && pipeline !== null && !isSpec(pipeline)) setOwn(pipeline as Container, 'partitions', m.partitions);
      return;
    }
    case 'nest': {
      const slot = pick(slots(config), m.at);
      if (!slot) return;
      const value = (slot.parent as Record<string | number, unknown>)[slot.key];
      setOwn(slot.parent, slot.key, m.inArray ? [value] : { [m.key]: value });
      return;
    }
  }
}

/** A config path as joinPath renders it, starting at a top-level key. */
const CONFIG_PATH = /^(?:[A-Za-z_$][\w$]*|\[".*"\])(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[".*"\])*$/;

function assertValidatesCleanly(raw: unknown): void {
  let error: unknown;
  try {
    const resolved = validateConfig(raw, FILE);
    expect(resolved.file).toBe(FILE);
    expect(resolved.pipelines.length).toBeGreaterThan(0);
    return;
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof ConfigError)) throw new Error(`validateConfig threw something else than a ConfigError: ${(error as Error).stack ?? String(error)}`, { cause: error });
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.problems.length).toBeGreaterThan(0);
  const lines = error.message.split('\n');
  expect(lines[0]).toMatch(/^Invalid config( \(\d+ problems\))?:$/);
  expect(lines).toHaveLength(error.problems.length + 1);
  error.problems.forEach((problem, index) => {
    expect(problem.file).toBe(FILE);
    expect(problem.message.length).toBeGreaterThan(0);
    const line = lines[index + 1] ?? '';
    expect(line.startsWith(`  - ${FILE}: `)).toBe(true);
    if (problem.path !== '') {
      expect(problem.path).toMatch(CONFIG_PATH);
      expect(line.startsWith(`  - ${FILE}: ${problem.path}: `)).toBe(true);
    }
  });
}

describe('validateConfig under random mutations (properties)', () => {
  it('accepts the unmutated config', () => {
    expect(() => validateConfig(validConfig(), FILE)).not.toThrow();
  });

  it('never throws anything but a ConfigError whose lines name the file and the path', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const config = validConfig();
        for (const m of mutations) apply(config, m);
        assertValidatesCleanly(config);
      }),
      { numRuns: 400 },
    );
  });

  it('never crashes on a config that is not an object at all, or a pipelines value of any shape', () => {
    fc.assert(
      fc.property(anyValue, fc.boolean(), (value, asPipelines) => {
        assertValidatesCleanly(asPipelines ? { pipelines: value } : value);
      }),
      { numRuns: 200 },
    );
  });
});

/** The problems of a config validateConfig refuses (formatted lines), or a failure if it throws anything else. */
function linesOf(raw: unknown): string[] {
  try {
    validateConfig(raw, FILE);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n').slice(1);
    throw error;
  }
  throw new Error('expected the config to be refused');
}

function withFeeds(pipeline: Record<string, unknown>, top: Record<string, unknown> = {}): Record<string, unknown> {
  const config = validConfig();
  Object.assign((config.pipelines as Record<string, Record<string, unknown>>).feeds as object, pipeline);
  return { ...config, ...top };
}

function withLikesFrom(pipeline: unknown): Record<string, unknown> {
  const config = validConfig();
  (config.pipelines as Record<string, Record<string, unknown>>).likes!.partitions = fromPipeline(pipeline as string, () => 'x');
  return config;
}

// Counterexamples the mutation property found (each crashed validateConfig with a TypeError, or broke the
// one-line-per-problem format, before the fix in the same commit).
describe('validateConfig on the counterexamples found by the mutation property', () => {
  it('reports a fromPipeline without a pipeline name instead of crashing in the did-you-mean lookup', () => {
    for (const name of [undefined, [null]]) {
      expect(() => assertValidatesCleanly(withLikesFrom(name))).not.toThrow();
      expect(linesOf(withLikesFrom(name))).toContain(`  - ${FILE}: pipelines.likes.partitions: fromPipeline(...) needs the name of a pipeline, found ${name === undefined ? 'nothing' : 'an array of 1'}`);
    }
  });

  it('does not convert a fromPipeline name that is an object to a string while looking for cycles', () => {
    // `{ toString: {} }` cannot become a primitive: `name in pipelines` threw "Cannot convert object to primitive value".
    expect(linesOf(withLikesFrom({ toString: {} }))).toEqual([
      `  - ${FILE}: pipelines.likes.partitions: fromPipeline(...) needs the name of a pipeline, found an object with keys toString`,
    ]);
  });

  it('reports a backoff of the wrong type without crashing in the backoff order check', () => {
    const lines = linesOf(withFeeds({}, { policy: { retry: { backoff: 5e-324 } } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {2}- test\.config\.ts: policy\.retry\.backoff: /);
  });

  it('refuses a backoff whose only key is set to undefined instead of crashing while resolving it', () => {
    expect(linesOf(withFeeds({ policy: { retry: { backoff: { constant: undefined } } } }))).toEqual([
      `  - ${FILE}: pipelines.feeds.policy.retry.backoff: expected constant or exponential, found only keys set to undefined`,
    ]);
  });

  it('keeps a problem on one line when the unknown key has a line break in it', () => {
    const lines = linesOf(withFeeds({ 'a\nb': 1 }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${FILE}: pipelines.feeds["a\\nb"]: unknown key 'a\\u000ab'`);
  });

  it('describes a bigint or a symbol where a value of another type was expected', () => {
    expect(linesOf(withFeeds({ group: 10n }))).toEqual([`  - ${FILE}: pipelines.feeds.group: expected string, found bigint 10n`]);
    expect(linesOf(withFeeds({ description: Symbol('s') }))).toEqual([`  - ${FILE}: pipelines.feeds.description: expected string, found symbol Symbol(s)`]);
  });
});
