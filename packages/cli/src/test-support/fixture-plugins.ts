// Plugins for the CLI's tests, written as a third party would: only @etl/core's public API.
import { mkdir, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { defineSink, defineSource } from '@etl/core';

/** Numbered records per partition; can fail or stall chosen partitions. */
export const countingSource = defineSource({
  name: 'test.counting',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['records'],
    properties: {
      records: { type: 'integer', minimum: 0, description: 'Records per partition.' },
      pageSize: { type: 'integer', minimum: 1, default: 10 },
      failPartitions: { type: 'array', items: { type: 'string' }, description: 'Partitions whose second page fails for good.' },
      delayMs: { type: 'integer', minimum: 0, description: 'Wait before each page.' },
      apiKey: { type: 'string', secret: true },
    },
  },
  checkPartition: (partition) => (partition.startsWith('bad') ? 'partitions must not start with "bad"' : undefined),
  create: (options) => ({
    async fetchPage({ partition, cursor, signal }) {
      if (options.delayMs) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            clearTimeout(timer);
            reject(new DOMException('aborted', 'AbortError'));
          };
          const timer = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }, options.delayMs);
          signal.addEventListener('abort', onAbort, { once: true });
        });
      }
      const offset = cursor ? Number(cursor) : 0;
      if (offset > 0 && options.failPartitions?.includes(partition)) {
        throw Object.assign(new Error(`permanent failure for ${partition} (key ${options.apiKey ?? 'none'})`), { code: 'Forbidden', status: 403 });
      }
      const end = Math.min(options.records, offset + (options.pageSize ?? 10));
      const records = [];
      for (let n = offset; n < end; n++) records.push({ partition, n });
      return { records, cursor: end < options.records ? String(end) : undefined };
    },
    isRetryable: (error) => (error as { status?: number }).status !== 403,
  }),
});

/** NDJSON files under a directory, one per task, published by rename on commit. */
export const fileSink = defineSink({
  name: 'test.file',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['directory'],
    properties: { directory: { type: 'string', description: 'Absolute directory.' } },
  },
  check: (options) => (isAbsolute(options.directory) ? [] : [{ path: 'directory', message: `must be an absolute path, found '${options.directory}'` }]),
  create: (options) => ({
    async open(task) {
      const dir = join(options.directory, task.pipeline);
      await mkdir(dir, { recursive: true });
      const final = join(dir, `${task.partition}.ndjson`);
      const temp = `${final}.${task.runId}.tmp`;
      await writeFile(temp, '');
      let records = 0;
      return {
        async write(batch) {
          records += batch.length;
          await appendFile(temp, batch.map((r) => `${JSON.stringify(r)}\n`).join(''));
        },
        async commit() {
          await rename(temp, final);
          return { outputs: [{ location: final, records }] };
        },
        async abort() {
          await rm(temp, { force: true });
        },
      };
    },
  }),
});
