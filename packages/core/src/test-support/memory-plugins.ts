// In-memory plugins written against the public plugin API only, for the core's unit tests.
import { defineSink, defineSource, type SourcePage } from '../index.js';

export interface MemorySourceHooks {
  /** Called for every fetchPage; return a page or throw. */
  fetch(request: { partition: string; cursor: string | undefined; signal: AbortSignal }): Promise<SourcePage<unknown>> | SourcePage<unknown>;
  isRetryable?(error: unknown): boolean;
}

export const memorySource = defineSource({
  name: 'test.memorySource',
  options: {
    type: 'object',
    properties: {
      label: { type: 'string' },
      token: { type: 'string', secret: true },
    },
    additionalProperties: false,
  },
  checkPartition: (partition) => (partition.startsWith('bad') ? 'must not start with "bad"' : undefined),
  create: () => {
    throw new Error('use memorySourceWith(hooks)');
  },
});

/** A source spec whose behaviour the test supplies. */
export function memorySourceWith(hooks: MemorySourceHooks, options: { label?: string; token?: string } = {}) {
  const spec = memorySource(options);
  return {
    ...spec,
    definition: {
      ...spec.definition,
      create: () => ({
        fetchPage: (r: { partition: string; cursor: string | undefined; signal: AbortSignal }) => Promise.resolve().then(() => hooks.fetch(r)),
        ...(hooks.isRetryable ? { isRetryable: hooks.isRetryable } : {}),
      }),
    },
  };
}

/** Pages `count` numbered records per partition, `pageSize` at a time, with cursor = next offset. */
export function countingPages(count: number, pageSize: number) {
  return ({ partition, cursor }: { partition: string; cursor: string | undefined }): SourcePage<unknown> => {
    const offset = cursor ? Number(cursor) : 0;
    const end = Math.min(count, offset + pageSize);
    const records = [];
    for (let i = offset; i < end; i++) records.push({ partition, n: i });
    return { records, cursor: end < count ? String(end) : undefined };
  };
}

export interface MemorySinkStore {
  /** Committed records per `pipeline/partition`. */
  readonly committed: Map<string, unknown[]>;
  readonly aborted: string[];
  /** Called on each write, before the records are buffered. */
  onWrite?: (taskId: string, records: readonly unknown[]) => Promise<void> | void;
  onOpen?: (taskId: string) => void;
  onClose?: (taskId: string) => void;
}

export const memorySink = defineSink({
  name: 'test.memorySink',
  options: {
    type: 'object',
    properties: { bucket: { type: 'string' }, mode: { enum: ['append', 'replace'] } },
    required: ['bucket'],
    additionalProperties: false,
  },
  check: (options) => (options.bucket.includes(' ') ? [{ path: 'bucket', message: 'must not contain spaces' }] : []),
  create: () => {
    throw new Error('use memorySinkWith(store)');
  },
});

export function newMemoryStore(): MemorySinkStore {
  return { committed: new Map(), aborted: [] };
}

/** A sink spec that buffers per task and publishes to `store.committed` only on commit. */
export function memorySinkWith(store: MemorySinkStore) {
  const spec = memorySink({ bucket: 'mem' });
  return {
    ...spec,
    definition: {
      ...spec.definition,
      create: () => ({
        open: async (task: { pipeline: string; partition: string }) => {
          const taskId = `${task.pipeline}/${task.partition}`;
          const buffer: unknown[] = [];
          store.onOpen?.(taskId);
          return {
            write: async (records: readonly unknown[]) => {
              await store.onWrite?.(taskId, records);
              buffer.push(...records);
            },
            commit: async () => {
              store.committed.set(taskId, buffer);
              store.onClose?.(taskId);
              return { outputs: [{ location: `mem://${taskId}`, records: buffer.length }] };
            },
            abort: async () => {
              store.aborted.push(taskId);
              store.onClose?.(taskId);
            },
          };
        },
      }),
    },
  };
}

export interface ChunkStore {
  /** Durable chunks by `taskId#index`, as a crash would leave them. */
  readonly chunks: Map<string, unknown[]>;
  /** What commit published per task: its chunks in order. */
  readonly committed: Map<string, unknown[]>;
  readonly opened: { taskId: string; resume: { chunks: number } | undefined }[];
}

/** A sink that supports checkpoints: each chunk is durable on checkpoint(), and commit joins them. */
export const chunkingMemorySink = defineSink({
  name: 'test.chunkingMemorySink',
  options: { type: 'object', additionalProperties: false },
  create: () => {
    throw new Error('use chunkingSinkWith(store)');
  },
});

export function chunkingSinkWith(store: ChunkStore) {
  const spec = chunkingMemorySink({});
  return {
    ...spec,
    definition: {
      ...spec.definition,
      create: () => ({
        open: async (task: { pipeline: string; partition: string; resume?: { chunks: number } | undefined }) => {
          const taskId = `${task.pipeline}/${task.partition}`;
          store.opened.push({ taskId, resume: task.resume ? { chunks: task.resume.chunks } : undefined });
          let index = task.resume?.chunks ?? 0;
          let current: unknown[] = [];
          const locations = () => Array.from({ length: index }, (_, i) => ({ location: `mem://${taskId}#${i}`, records: store.chunks.get(`${taskId}#${i}`)?.length ?? 0 }));
          return {
            write: async (records: readonly unknown[]) => void current.push(...records),
            checkpoint: async () => {
              store.chunks.set(`${taskId}#${index}`, current);
              index++;
              current = [];
              return { outputs: locations() };
            },
            commit: async () => {
              store.chunks.set(`${taskId}#${index}`, current);
              index++;
              store.committed.set(taskId, Array.from({ length: index }, (_, i) => store.chunks.get(`${taskId}#${i}`) ?? []).flat());
              return { outputs: locations() };
            },
            abort: async () => undefined,
          };
        },
      }),
    },
  };
}
