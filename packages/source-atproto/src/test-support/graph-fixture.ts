import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSink } from '@etl/core';
import { runPipelines, validateConfig } from '@etl/core/host';
import type { RunEvent, RunSummary, SourceInstance, SourceNotice, SourceSpec } from '@etl/core';
import { generateDataset, startAppView } from '@etl/dev-servers';
import type { AppView, Dataset, StartAppViewOptions, SyntheticActor } from '@etl/dev-servers';

/**
 * A dataset built for paging edges with `limit: 3`: 0, 1, 3 (exactly one page), 4 (one over) and many.
 * - posts (repo records): actors 0..4 have 0, 1, 3, 4, 10
 * - followers: actors 5..9 have 0, 1, 3, 4, 12; follows: actors 5, 0, 7, 8, 9 have 0, 1, 3, 4, 10
 * - lists 0..4 (owner 9) have 0, 1, 3, 4, 10 members; starter pack 0 points at list 4, pack 1 at list 0
 * - 13 can log in (and blocks 5); 14 is deactivated, 15 taken down; 16 blocks 13
 */
export const graph: Dataset = generateDataset({
  seed: 77,
  postsPerActor: [0, 1, 3, 4, 10, 2, 2, 2, 2, 5, 2, 2, 2, 2, 3, 3, 2],
  follows: [[9], [9], [9], [9], [9], [], [9], [6, 8, 9], [7, 9, 10, 11], [7, 8, 0, 1, 2, 3, 4, 10, 11, 12], [7, 8, 9], [8, 9], [9], [9], [], [], []],
  lists: [
    { owner: 9, members: [], name: 'Nobody' },
    { owner: 9, members: [0], name: 'One' },
    { owner: 9, members: [0, 1, 2], name: 'Three' },
    { owner: 9, members: [0, 1, 2, 3], name: 'Four' },
    { owner: 9, members: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10], name: 'Ten', purpose: 'referencelist' },
  ],
  starterPacks: [
    { owner: 9, list: 4, name: 'Ten accounts' },
    { owner: 5, list: 0, name: 'Nobody yet' },
  ],
  blocks: [[13, 5], [16, 13]],
  accountStatus: { 14: 'deactivated', 15: 'takendown' },
});

export const actor = (index: number): SyntheticActor => {
  const found = graph.actors[index];
  if (found === undefined) throw new RangeError(`no actor ${index}`);
  return found;
};

/** The account tests log in with. */
export const VIEWER = { identifier: actor(13).handle, password: 'viewer-app-password' } as const;

export async function startGraphFixture(options: Partial<StartAppViewOptions> = {}): Promise<AppView> {
  return startAppView({ dataset: graph, appPasswords: { [VIEWER.identifier]: VIEWER.password }, ...options });
}

/** A fresh directory for session files, removed by the returned cleanup. */
export async function tempDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'etl-atproto-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface Drive<R> {
  readonly resolved: string | undefined;
  readonly pages: number[];
  readonly records: R[];
  readonly notices: SourceNotice[];
}

/** Runs one partition the way the core does: resolvePartition once, then pages until no cursor or an empty page. */
export async function drive<R>(source: SourceInstance<R>, partition: string, signal = new AbortController().signal): Promise<Drive<R>> {
  const notices: SourceNotice[] = [];
  const report = (notice: SourceNotice) => notices.push(notice);
  const resolved = await source.resolvePartition?.({ pipeline: 'test', partition, signal, report });
  const pages: number[] = [];
  const records: R[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await source.fetchPage({ pipeline: 'test', partition, resolved, cursor, signal, report });
    pages.push(page.records.length);
    records.push(...page.records);
    if (page.cursor === undefined || page.records.length === 0) return { resolved, pages, records, notices };
    cursor = page.cursor;
  }
}

/** A sink made with defineSink that keeps each task's committed records in `store` under `pipeline/partition`. */
export function memorySinkInto(store: Map<string, unknown[]>) {
  const memorySink = defineSink({
    name: 'test.memory',
    options: { type: 'object', additionalProperties: false, properties: {} } as const,
    create: () => ({
      open: async (task) => {
        const buffer: unknown[] = [];
        return {
          write: async (records) => {
            buffer.push(...records);
          },
          commit: async () => {
            store.set(`${task.pipeline}/${task.partition}`, buffer);
            return { outputs: [{ location: `memory://${task.pipeline}/${task.partition}`, records: buffer.length }] };
          },
          abort: async () => undefined,
        };
      },
    }),
  });
  return memorySink({});
}

export interface PipelineRun {
  readonly summary: RunSummary;
  readonly events: RunEvent[];
  readonly committed: Map<string, unknown[]>;
}

/**
 * Runs whole pipelines through the core (validateConfig + runPipelines), each pipeline one source over its
 * partitions into the memory sink; `policy` applies to every pipeline.
 */
export async function runPipeline(
  pipelines: Record<string, { source: SourceSpec<unknown>; partitions: string[] }>,
  policy: Record<string, unknown> = { retry: { attempts: 3, backoff: { constant: '50ms' } } },
): Promise<PipelineRun> {
  const committed = new Map<string, unknown[]>();
  const events: RunEvent[] = [];
  const config = validateConfig(
    {
      policy,
      pipelines: Object.fromEntries(Object.entries(pipelines).map(([name, p]) => [name, { ...p, sink: memorySinkInto(committed) }])),
    },
    'test.config.ts',
  );
  // No run records: these runs are about the source, and parallel test files must not share a state lock.
  const summary = await runPipelines(config, { onEvent: (event) => events.push(event), state: false });
  return { summary, events, committed };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}
