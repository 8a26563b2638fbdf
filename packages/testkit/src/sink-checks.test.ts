import { describe, expect, it } from 'vitest';
import {
  checkAbortLeavesNothing,
  checkCheckpointResume,
  checkCommitReadable,
  checkNothingBeforeCommit,
  checkRewriteReplaces,
} from './sink-checks.js';
import { toySink, toyStore, type ToySinkFlaw } from './test-support/toy-sink.js';

async function sinkWith(flaw: ToySinkFlaw) {
  const store = toyStore();
  return { store, sink: await toySink(flaw, store).definition.create({}) };
}

describe('sink checks', () => {
  it('pass a correct sink', async () => {
    const { store, sink } = await sinkWith('none');
    await checkCommitReadable(sink, store.read);
    await checkNothingBeforeCommit(sink, store.read);
    await checkAbortLeavesNothing(sink, store.read);
    await checkRewriteReplaces(sink, store.read);
    expect(await checkCheckpointResume(sink, store.read)).toBe(true);
  });

  it('"commit makes every write readable" breaks when commit loses records', async () => {
    const { store, sink } = await sinkWith('loses-records');
    await expect(checkCommitReadable(sink, store.read)).rejects.toThrow('contract "commit makes every write readable" broken: after commit(): read 5 record(s), expected 9, missing 4');
  });

  it('"nothing readable before commit" breaks when writes show at once', async () => {
    const { store, sink } = await sinkWith('visible-early');
    await expect(checkNothingBeforeCommit(sink, store.read)).rejects.toThrow('contract "nothing readable before commit" broken: 4 record(s) were readable before commit()');
  });

  it('"abort leaves nothing" breaks when abort keeps the data', async () => {
    const { store, sink } = await sinkWith('abort-keeps');
    await expect(checkAbortLeavesNothing(sink, store.read)).rejects.toThrow('contract "abort leaves nothing" broken: 6 record(s) were readable after abort()');
  });

  it('"rewrite replaces" breaks when a rerun appends', async () => {
    const { store, sink } = await sinkWith('appends');
    await expect(checkRewriteReplaces(sink, store.read)).rejects.toThrow('contract "rewrite replaces" broken: after committing the same task twice: read 6 record(s), expected 2');
  });

  it('"checkpoint resumes" breaks when a resumed commit drops the checkpointed chunk', async () => {
    const { store, sink } = await sinkWith('forgets-chunks');
    await expect(checkCheckpointResume(sink, store.read)).rejects.toThrow('contract "checkpoint resumes" broken: after a checkpoint, a crash and a resumed commit: read 4 record(s), expected 7, missing 3');
  });
});
