import type { SourceInstance } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { checkAbort, type AbortCheckOptions } from './abort-checks.js';
import { checkErrorCase, type ErrorCase } from './error-checks.js';
import type { KitSourceFactory } from './kit-plugins.js';
import { resolveLazy, type Lazy } from './lazy.js';
import { checkOptionRejected, checkOptionsAccepted, type BadOption } from './options-checks.js';
import { checkPartitionsPaging } from './paging-checks.js';
import { checkSecretsNotLeaked, KIT_SECRET } from './secret-checks.js';

export interface SourceContractSpec<O, R> {
  /** Options that work (a function when they depend on something started in `beforeAll`). */
  readonly options: Lazy<O>;
  /** Partitions to page; together they must span at least two pages. */
  readonly partitions: Lazy<readonly string[]>;
  /** Options the core must refuse, each with the problem's path inside the options if you want it checked. */
  readonly badOptions?: readonly BadOption[];
  /** Identity of a record for "no duplicate records". Default: its JSON. */
  readonly recordKey?: (record: R) => string;
  /** Pages after which paging counts as endless. Default 1000. */
  readonly maxPages?: number;
  /** Failures to provoke and how `isRetryable` must classify them. */
  readonly errorCases?: Lazy<readonly ErrorCase<O>[]>;
  /** A call that is slow enough to abort (its options default to `options`). Without it the contract is not generated. */
  readonly abort?: Lazy<AbortCheckOptions & { readonly options?: O }>;
  /** Options holding the kit's secret in a `secret: true` field; the kit runs them through the core and scans everything. */
  readonly secret?: Lazy<{ readonly options: (secret: string) => O; readonly partitions?: readonly string[] }>;
}

/**
 * Generates the source contract suite: `describe('source contract: <name>')` with one `it` per contract.
 * Call it at the top level of a test file.
 */
export function testSource<O, R>(factory: KitSourceFactory<O, R>, spec: SourceContractSpec<O, R>): void {
  const { definition } = factory;
  const instances: SourceInstance<R>[] = [];
  const create = async (options: O): Promise<SourceInstance<R>> => {
    const instance = await definition.create(options);
    instances.push(instance);
    return instance;
  };
  const closeAll = async () => {
    await Promise.all(instances.splice(0).map((instance) => instance.close?.()));
  };

  describe(`source contract: ${definition.name}`, () => {
    it('options accepted', () => {
      checkOptionsAccepted('source', factory(resolveLazy(spec.options)), resolveLazy(spec.partitions));
    });

    for (const [index, bad] of (spec.badOptions ?? []).entries()) {
      it(`bad options rejected #${index + 1}: ${JSON.stringify(bad.options)}`, () => {
        checkOptionRejected('source', factory(bad.options as O), bad.path);
      });
    }

    it('paging terminates, cursor advances, no duplicate records', async () => {
      try {
        const source = await create(resolveLazy(spec.options));
        const results = await checkPartitionsPaging(source, resolveLazy(spec.partitions), {
          ...(spec.maxPages !== undefined ? { maxPages: spec.maxPages } : {}),
          ...(spec.recordKey ? { recordKey: spec.recordKey } : {}),
        });
        expect(results.length).toBeGreaterThan(0);
      } finally {
        await closeAll();
      }
    });

    const errorCases = spec.errorCases;
    if (errorCases !== undefined) {
      it('errors classified', async () => {
        try {
          for (const errorCase of resolveLazy(errorCases)) {
            const source = await create(errorCase.options ?? resolveLazy(spec.options));
            await checkErrorCase(source, errorCase);
          }
        } finally {
          await closeAll();
        }
      });
    }

    const abort = spec.abort;
    if (abort !== undefined) it('abort stops fetchPage', async () => {
      if (abort === undefined) return;
      const options = resolveLazy(abort);
      try {
        await checkAbort(await create(options.options ?? resolveLazy(spec.options)), options);
      } finally {
        await closeAll();
      }
    });

    const secret = spec.secret;
    if (secret !== undefined) it('secrets never leak', async () => {
      if (secret === undefined) return;
      const { options, partitions } = resolveLazy(secret);
      await checkSecretsNotLeaked('source', factory(options(KIT_SECRET)), partitions ?? resolveLazy(spec.partitions));
    });
  });
}
