import type { SinkCommitResult, SinkInstance, SinkTask } from '@etl/core';
import type { S3Connection } from '@etl/dev-servers/s3';
import { afterEach } from 'vitest';
import { s3Sink, type S3SinkOptions } from '../index.js';

export const RUN_STARTED_AT = new Date('2024-03-09T07:45:00.000Z');

/** Sink instances made through `createSink` in a test file, closed after each test. */
export function useSinks(): (server: S3Connection, options: Partial<S3SinkOptions> & Pick<S3SinkOptions, 'bucket'>) => Promise<SinkInstance<unknown>> {
  const instances: SinkInstance<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((instance) => instance.close?.()));
  });
  return async (server, options) => {
    const instance = await s3Sink.definition.create({
      key: 'feeds/dt={date}/{partition}.ndjson',
      endpoint: server.endpoint,
      forcePathStyle: true,
      ...options,
    });
    instances.push(instance);
    return instance;
  };
}

export function task(partition = 'alice', overrides: Partial<SinkTask> = {}): SinkTask {
  return { runId: 'run-1', pipeline: 'feeds', partition, runStartedAt: RUN_STARTED_AT, signal: new AbortController().signal, ...overrides };
}

/** Opens a writer for `task`, writes the pages and commits. */
export async function writeTask(sink: SinkInstance<unknown>, sinkTask: SinkTask, pages: readonly (readonly unknown[])[]): Promise<SinkCommitResult> {
  const writer = await sink.open(sinkTask);
  for (const page of pages) await writer.write(page);
  return writer.commit();
}

export function ndjson(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/** The rejection of `promise`, or a failure if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(outcome)}`);
  return outcome;
}
