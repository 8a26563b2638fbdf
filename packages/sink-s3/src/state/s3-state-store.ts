import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StateLockedError, type RunRecord, type StateLock, type StateStore, type TaskState } from '@etl/core';

export interface S3StateStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix without a trailing slash, e.g. `_etl/state`. */
  readonly prefix: string;
  /** A lock not refreshed for this long belongs to a run that died; the next run takes it over. */
  readonly lockTtlMs: number;
}

interface LockBody {
  readonly runId: string;
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly since: string;
  readonly refreshedAt: string;
}

/** Reversible, prefix-safe key segments for pipeline and partition names. */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E').replace(/\*/g, '%2A');
}

/**
 * State beside the data, for teams and CI: one JSON object per run and per pipeline × partition (a PUT
 * replaces an object atomically). Locks are objects too: created with a conditional write
 * (`If-None-Match: *`, which S3 enforces) after checking that no live lock exists, then read back to make
 * sure this run owns it; the holder refreshes it while it runs, and a lock older than `lockTtlMs` is
 * stale (its run died) and is taken over. On stores that ignore conditional writes (s3rver, some older
 * S3-compatibles) two runs starting within the same instant could both pass the check.
 */
export class S3StateStore implements StateStore {
  readonly location: string;
  private readonly client: S3Client;

  constructor(private readonly options: S3StateStoreOptions) {
    this.client = options.client;
    this.location = `s3://${options.bucket}/${options.prefix}`;
  }

  async lock(pipelines: readonly string[], owner: { readonly runId: string }): Promise<StateLock> {
    const token = randomUUID();
    const taken: string[] = [];
    try {
      for (const pipeline of [...new Set(pipelines)].sort()) {
        const key = this.key('locks', `${segment(pipeline)}.json`);
        await this.takeLock(key, pipeline, owner.runId, token);
        taken.push(key);
      }
    } catch (error) {
      await Promise.all(taken.map((key) => this.delete(key)));
      throw error;
    }
    const since = new Date().toISOString();
    // Refresh well within the TTL so a live run never looks dead; unref: the timer must not keep a finished CLI alive.
    const timer = setInterval(() => {
      for (const key of taken) void this.putJson(key, this.lockBody(owner.runId, token, since)).catch(() => undefined);
    }, Math.max(1_000, Math.floor(this.options.lockTtlMs / 3)));
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await Promise.all(taken.map((key) => this.delete(key)));
      },
    };
  }

  private async takeLock(key: string, pipeline: string, runId: string, token: string): Promise<void> {
    const held = await this.getJson<LockBody>(key);
    if (held && Date.now() - Date.parse(held.refreshedAt) < this.options.lockTtlMs) {
      throw new StateLockedError(
        `pipeline '${pipeline}' is locked by run ${held.runId} (pid ${held.pid} on ${held.host}, since ${held.since}, last seen ${held.refreshedAt}) in ${this.location}; ` +
          `wait for it to finish, or delete s3://${this.options.bucket}/${key} if that run is gone (a lock also expires ${Math.round(this.options.lockTtlMs / 1000)} s after its run stops refreshing it)`,
      );
    }
    const body = this.lockBody(runId, token, new Date().toISOString());
    try {
      // A stale lock is replaced unconditionally; a missing one only if it is still missing.
      await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json', ...(held ? {} : { IfNoneMatch: '*' }) }));
    } catch (error) {
      if ((error as { name?: string }).name === 'PreconditionFailed') {
        throw new StateLockedError(`pipeline '${pipeline}' was locked by another run at the same moment (${this.location})`);
      }
      throw error;
    }
    const now = await this.getJson<LockBody>(key);
    if (now?.owner !== token) {
      throw new StateLockedError(`pipeline '${pipeline}' was locked by run ${now?.runId ?? 'another run'} at the same moment (${this.location})`);
    }
  }

  private lockBody(runId: string, token: string, since: string): LockBody {
    return { runId, owner: token, host: hostname(), pid: process.pid, since, refreshedAt: new Date().toISOString() };
  }

  saveRun(run: RunRecord): Promise<void> {
    return this.putJson(this.key('runs', `${segment(run.runId)}.json`), run);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.getJson<RunRecord>(this.key('runs', `${segment(runId)}.json`));
  }

  async listRuns(): Promise<RunRecord[]> {
    const keys = await this.list(this.key('runs', ''));
    const runs = await Promise.all(keys.map((key) => this.getJson<RunRecord>(key)));
    return runs.filter((r): r is RunRecord => r !== undefined).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
  }

  getTaskState(pipeline: string, partition: string): Promise<TaskState | undefined> {
    return this.getJson<TaskState>(this.taskKey(pipeline, partition));
  }

  saveTaskState(pipeline: string, partition: string, state: TaskState): Promise<void> {
    return this.putJson(this.taskKey(pipeline, partition), { partition, ...state });
  }

  async listTaskStates(pipeline: string): Promise<{ partition: string; state: TaskState }[]> {
    const keys = await this.list(this.key('tasks', `${segment(pipeline)}/`));
    const out: { partition: string; state: TaskState }[] = [];
    for (const key of keys.sort()) {
      const stored = await this.getJson<TaskState & { partition: string }>(key);
      if (stored) {
        const { partition, ...state } = stored;
        out.push({ partition, state });
      }
    }
    return out;
  }

  async resetTaskState(pipeline: string, partition?: string): Promise<number> {
    const keys = partition === undefined ? await this.list(this.key('tasks', `${segment(pipeline)}/`)) : [this.taskKey(pipeline, partition)];
    let removed = 0;
    for (const key of keys) {
      if ((await this.getJson(key)) !== undefined) removed++;
      await this.delete(key);
    }
    return removed;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private taskKey(pipeline: string, partition: string): string {
    return this.key('tasks', `${segment(pipeline)}/${segment(partition)}.json`);
  }

  private key(kind: 'runs' | 'tasks' | 'locks', rest: string): string {
    return `${this.options.prefix}/${kind}/${rest}`;
  }

  private async putJson(key: string, value: unknown): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: `${JSON.stringify(value, null, 2)}\n`, ContentType: 'application/json' }));
  }

  private async getJson<T>(key: string): Promise<T | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return JSON.parse((await response.Body?.transformToString('utf8')) ?? 'null') as T;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  private async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  private async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
