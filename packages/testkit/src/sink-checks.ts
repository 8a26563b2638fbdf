import type { SinkInstance, SinkOutput, SinkTask } from '@etl/core';
import { ContractError } from './contract-error.js';

/** Reads back every record of a task that readers can see now (empty when nothing is visible). */
export type SinkReader = (task: SinkTask) => Promise<readonly unknown[]>;

export interface KitRecord {
  readonly id: string;
  readonly partition: string;
  readonly n: number;
  readonly text: string;
}

/** `count` distinct records for a partition, numbered from `from`; the text has non-ASCII and a newline. */
export function kitRecords(partition: string, from: number, count: number): KitRecord[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${partition}-${from + i}`, partition, n: from + i, text: `rec ${from + i} ✓ "q"\nline` }));
}

/** A task for a contract; each contract writes its own partition so checks never see each other's data. */
export function kitTask(partition: string, overrides: Partial<SinkTask> = {}): SinkTask {
  return { runId: 'kit-run-1', pipeline: 'kit', partition, runStartedAt: new Date('2024-05-06T07:08:09.000Z'), signal: new AbortController().signal, ...overrides };
}

function sorted(records: readonly unknown[]): string[] {
  return records.map((r) => JSON.stringify(r)).sort();
}

function compare(contract: ConstructorParameters<typeof ContractError>[0], what: string, found: readonly unknown[], expected: readonly unknown[]): void {
  const got = sorted(found);
  const want = sorted(expected);
  const missing = want.filter((r) => !got.includes(r));
  const extra = got.filter((r, i) => !want.includes(r) || got.indexOf(r) !== i);
  if (missing.length > 0 || extra.length > 0 || got.length !== want.length) {
    const parts = [`read ${got.length} record(s), expected ${want.length}`];
    if (missing.length > 0) parts.push(`missing ${missing.length} (first ${missing[0]})`);
    if (extra.length > 0) parts.push(`unexpected or duplicated ${extra.length} (first ${extra[0]})`);
    throw new ContractError(contract, `${what}: ${parts.join(', ')}`);
  }
}

/** Contract "commit makes every write readable": three `write` calls, one commit, all records readable. */
export async function checkCommitReadable(sink: SinkInstance<unknown>, read: SinkReader, task: SinkTask = kitTask('kit-commit')): Promise<readonly SinkOutput[]> {
  const batches = [kitRecords(task.partition, 0, 3), kitRecords(task.partition, 3, 1), kitRecords(task.partition, 4, 5)];
  const writer = await sink.open(task);
  for (const batch of batches) await writer.write(batch);
  const { outputs } = await writer.commit();
  compare('commit makes every write readable', 'after commit()', await read(task), batches.flat());
  const reported = outputs.reduce((sum, o) => sum + o.records, 0);
  if (reported !== 9) throw new ContractError('commit makes every write readable', `commit() reported ${reported} record(s) in its outputs, 9 were written`);
  return outputs;
}

/** Contract "nothing readable before commit": written records stay invisible until `commit()` resolves. */
export async function checkNothingBeforeCommit(sink: SinkInstance<unknown>, read: SinkReader, task: SinkTask = kitTask('kit-before-commit')): Promise<void> {
  const writer = await sink.open(task);
  await writer.write(kitRecords(task.partition, 0, 2));
  await writer.write(kitRecords(task.partition, 2, 2));
  const early = await read(task);
  if (early.length > 0) {
    await writer.abort(new Error('kit: contract broken'));
    throw new ContractError('nothing readable before commit', `${early.length} record(s) were readable before commit()`);
  }
  await writer.commit();
}

/** Contract "abort leaves nothing": after writes and `abort()`, nothing of the task is readable. */
export async function checkAbortLeavesNothing(sink: SinkInstance<unknown>, read: SinkReader, task: SinkTask = kitTask('kit-abort')): Promise<void> {
  const writer = await sink.open(task);
  await writer.write(kitRecords(task.partition, 0, 3));
  await writer.write(kitRecords(task.partition, 3, 3));
  await writer.abort(new Error('kit: aborted on purpose'));
  const left = await read(task);
  if (left.length > 0) throw new ContractError('abort leaves nothing', `${left.length} record(s) were readable after abort()`);
}

/** Contract "rewrite replaces": a task written and committed twice holds only the second write. */
export async function checkRewriteReplaces(sink: SinkInstance<unknown>, read: SinkReader, task: SinkTask = kitTask('kit-rewrite')): Promise<void> {
  const first = await sink.open(task);
  await first.write(kitRecords(task.partition, 0, 4));
  await first.commit();
  const second = await sink.open(task);
  const again = kitRecords(task.partition, 100, 2);
  await second.write(again);
  await second.commit();
  compare('rewrite replaces', 'after committing the same task twice', await read(task), again);
}

/**
 * Contract "checkpoint resumes": a writer checkpoints a chunk and is lost (a crash); a writer opened with
 * `resume` continues, and after its commit exactly the records of both are readable and reported.
 * Only for sinks that declare checkpoint support: a writer without `checkpoint` breaks it.
 */
export async function checkCheckpointResume(sink: SinkInstance<unknown>, read: SinkReader, task: SinkTask = kitTask('kit-checkpoint')): Promise<boolean> {
  const first = await sink.open(task);
  if (!first.checkpoint) {
    await first.abort();
    throw new ContractError('checkpoint resumes', 'the writer has no checkpoint(), but the contract spec declares checkpoint support');
  }
  const before = kitRecords(task.partition, 0, 3);
  await first.write(before);
  const chunk = await first.checkpoint();
  await first.write(kitRecords(task.partition, 3, 2)); // never checkpointed: the crash loses it, the resumed task rewrites it
  const resumed = await sink.open({ ...task, resume: { chunks: 1, outputs: chunk.outputs } });
  const after = kitRecords(task.partition, 3, 4);
  await resumed.write(after);
  const { outputs } = await resumed.commit();
  compare('checkpoint resumes', 'after a checkpoint, a crash and a resumed commit', await read(task), [...before, ...after]);
  const reported = outputs.reduce((sum, o) => sum + o.records, 0);
  if (reported !== before.length + after.length) {
    throw new ContractError('checkpoint resumes', `the resumed commit() reported ${reported} record(s), expected ${before.length + after.length} (the checkpointed chunk's outputs must be reported too)`);
  }
  return true;
}
