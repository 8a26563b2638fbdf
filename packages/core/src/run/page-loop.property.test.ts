import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate-config.js';
import { memorySinkWith, memorySourceWith, newMemoryStore } from '../test-support/memory-plugins.js';
import { runPipelines } from './run-pipelines.js';
import { CursorLoopError } from './task-runner.js';

// Property-based (issue 17): the page loop settles on any cursor sequence, following the core's rule
// (task-runner.ts): a page with records and a truthy cursor asks for the next page at that cursor; a page
// without records or without a (truthy) cursor ends the task; a page returning the very cursor it was
// asked for, or any cursor it returned earlier in the task (a, b, a), fails the task with CursorLoopError
// (SOURCE_CURSOR_LOOP). A second property drives a source whose next cursor depends only on the cursor it
// was asked with, as real APIs behave, through cycles: it must stop after at most one fetch per cursor.

const LOOP_CODE = new CursorLoopError('x').code;

/** Cursors: a small alphabet so that repeats and cycles are common, plus '', undefined and unicode. */
const cursor = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', '0', ' ', '..', 'a'.repeat(300)) },
  { weight: 2, arbitrary: fc.constantFrom('', undefined) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** One page the source returns: how many records and which cursor. */
const page = fc.record({ records: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(0) }), cursor });

/** Sequences, some built as cycles (a, b, a, b, ...) or as the same cursor twice in a row. */
const pages = fc.oneof(
  fc.array(page, { maxLength: 40 }),
  fc
    .tuple(fc.array(cursor, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 20 }))
    .map(([cycle, length]) => Array.from({ length }, (_, i) => ({ records: 1, cursor: cycle[i % cycle.length] }))),
  fc
    .tuple(fc.array(page, { maxLength: 10 }), cursor, fc.array(page, { maxLength: 10 }))
    .map(([before, repeated, after]) => [...before, { records: 1, cursor: repeated }, { records: 1, cursor: repeated }, ...after]),
);

type Page = { records: number; cursor: string | undefined };

/** What the rule says: how many fetches, with which cursors, and how the task ends. */
function expected(sequence: readonly Page[]): { requested: (string | undefined)[]; outcome: 'succeeded' | 'loop' } {
  const requested: (string | undefined)[] = [];
  const seen = new Set<string>();
  let current: string | undefined;
  for (let i = 0; ; i++) {
    requested.push(current);
    const { records, cursor: next } = sequence[i] ?? { records: 0, cursor: undefined };
    const hasMore = Boolean(next) && records > 0;
    if (!hasMore) return { requested, outcome: 'succeeded' };
    if (seen.has(next as string)) return { requested, outcome: 'loop' };
    seen.add(next as string);
    current = next;
  }
}

describe('the page loop (properties)', () => {
  it('settles on any cursor sequence after exactly the fetches the cursor rule allows', async () => {
    const outcomes = { succeeded: 0, loop: 0 };
    await fc.assert(
      fc.asyncProperty(pages, async (sequence) => {
        const requested: (string | undefined)[] = [];
        // Far more than any sequence here needs: a loop that runs away fails the task instead of hanging.
        const cap = sequence.length + 5;
        const source = memorySourceWith({
          fetch: ({ cursor: at }) => {
            requested.push(at);
            if (requested.length > cap) throw new Error(`runaway: ${requested.length} fetches`);
            const { records, cursor: next } = sequence[requested.length - 1] ?? { records: 0, cursor: undefined };
            return { records: Array.from({ length: records }, (_, n) => ({ page: requested.length, n })), cursor: next };
          },
          isRetryable: () => false,
        });
        const store = newMemoryStore();
        const config = validateConfig({ pipelines: { feeds: { source, partitions: ['alice'], sink: memorySinkWith(store) } } }, 'test.config.ts');
        const summary = await runPipelines(config, { state: false });

        const model = expected(sequence);
        outcomes[model.outcome]++;
        expect(requested).toEqual(model.requested);
        const task = summary.tasks[0];
        expect(summary.tasks).toHaveLength(1);
        if (model.outcome === 'succeeded') {
          expect(summary.status).toBe('succeeded');
          expect(task?.status).toBe('succeeded');
          expect(task?.pages).toBe(model.requested.length);
          const total = sequence.slice(0, model.requested.length).reduce((sum, p) => sum + p.records, 0);
          expect(store.committed.get('feeds/alice')).toHaveLength(total);
        } else {
          expect(summary.status).toBe('failed');
          expect(task?.status).toBe('failed');
          expect(task?.error?.code).toBe(LOOP_CODE);
          expect(store.committed.size).toBe(0);
          expect(store.aborted).toEqual(['feeds/alice']);
        }
      }),
      { numRuns: 300, timeout: 2000, markInterruptAsFailure: true, interruptAfterTimeLimit: 20_000 },
    );
    // Both endings were exercised (the generators make each likely in almost every run of 300).
    expect(outcomes.succeeded).toBeGreaterThan(10);
    expect(outcomes.loop).toBeGreaterThan(10);
  }, 30_000);

  it('stops a source whose cursors go round (a function of the cursor asked with) after one fetch per cursor', async () => {
    const alphabet = ['a', 'b', 'c', 'd'];
    const loops = { loop: 0, end: 0 };
    await fc.assert(
      // next[i]: the cursor the page at alphabet[i] (index 4: the first page) hands back; undefined ends.
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', 'c', 'd', undefined), { minLength: 5, maxLength: 5 }), async (next) => {
        let fetches = 0;
        const source = memorySourceWith({
          fetch: ({ cursor }) => {
            if (++fetches > 100) throw new Error(`runaway: ${fetches} fetches`);
            const at = cursor === undefined ? 4 : alphabet.indexOf(cursor);
            return { records: [{ at }], cursor: next[at] };
          },
          isRetryable: () => false,
        });
        const config = validateConfig({ pipelines: { feeds: { source, partitions: ['alice'], sink: memorySinkWith(newMemoryStore()) } } }, 'test.config.ts');
        const summary = await runPipelines(config, { state: false });
        // Walk the graph as the rule does: it ends at undefined, or at the first cursor seen twice.
        const seen = new Set<string>();
        let at: string | undefined = next[4];
        let expectedFetches = 1;
        while (at !== undefined && !seen.has(at)) {
          seen.add(at);
          expectedFetches++;
          at = next[alphabet.indexOf(at)];
        }
        expect(fetches).toBe(expectedFetches);
        expect(fetches).toBeLessThanOrEqual(alphabet.length + 1);
        expect(summary.tasks[0]?.error?.code).toBe(at === undefined ? undefined : LOOP_CODE);
        loops[at === undefined ? 'end' : 'loop']++;
      }),
      { numRuns: 300, timeout: 2000, markInterruptAsFailure: true, interruptAfterTimeLimit: 20_000 },
    );
    expect(loops.loop).toBeGreaterThan(10);
    expect(loops.end).toBeGreaterThan(10);
  }, 30_000);
});
