import type { SinkInstance } from '@etl/core';
import { describe, it } from 'vitest';
import type { KitSinkFactory } from './kit-plugins.js';
import { resolveLazy, type Lazy } from './lazy.js';
import { checkOptionRejected, checkOptionsAccepted, type BadOption } from './options-checks.js';
import { checkSecretsNotLeaked, KIT_SECRET } from './secret-checks.js';
import {
  checkAbortLeavesNothing,
  checkCheckpointResume,
  checkCommitReadable,
  checkNothingBeforeCommit,
  checkRewriteReplaces,
  type SinkReader,
} from './sink-checks.js';

export interface SinkContractSpec<O> {
  /** Options that work (a function when they depend on something started in `beforeAll`). */
  readonly options: Lazy<O>;
  /** Reads back the records readers can see for a task now: `[]` when there is nothing. */
  readonly read: SinkReader;
  readonly badOptions?: readonly BadOption[];
  /** The sink's writers support `checkpoint()` (e.g. the S3 sink with rollover): adds the "checkpoint resumes" contract. */
  readonly checkpoint?: boolean;
  /** Options holding the kit's secret in a `secret: true` field; the kit runs them through the core and scans everything. */
  readonly secret?: Lazy<{ readonly options: (secret: string) => O }>;
}

/** Generates the sink contract suite: `describe('sink contract: <name>')` with one `it` per contract. */
export function testSink<O>(factory: KitSinkFactory<O>, spec: SinkContractSpec<O>): void {
  const { definition } = factory;
  const withSink = async (use: (sink: SinkInstance<unknown>) => Promise<unknown>): Promise<void> => {
    const sink = await definition.create(resolveLazy(spec.options));
    try {
      await use(sink);
    } finally {
      await sink.close?.();
    }
  };

  describe(`sink contract: ${definition.name}`, () => {
    it('options accepted', () => {
      checkOptionsAccepted('sink', factory(resolveLazy(spec.options)));
    });
    for (const [index, bad] of (spec.badOptions ?? []).entries()) {
      it(`bad options rejected #${index + 1}: ${JSON.stringify(bad.options)}`, () => {
        checkOptionRejected('sink', factory(bad.options as O), bad.path);
      });
    }
    it('commit makes every write readable', () => withSink((sink) => checkCommitReadable(sink, spec.read)));
    it('nothing readable before commit', () => withSink((sink) => checkNothingBeforeCommit(sink, spec.read)));
    it('abort leaves nothing', () => withSink((sink) => checkAbortLeavesNothing(sink, spec.read)));
    it('rewrite replaces', () => withSink((sink) => checkRewriteReplaces(sink, spec.read)));
    if (spec.checkpoint === true) it('checkpoint resumes', () => withSink((sink) => checkCheckpointResume(sink, spec.read)));
    const secret = spec.secret;
    if (secret !== undefined) it('secrets never leak', async () => {
      if (secret === undefined) return;
      await checkSecretsNotLeaked('sink', factory(resolveLazy(secret).options(KIT_SECRET)));
    });
  });
}
