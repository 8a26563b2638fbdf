import { hostname } from 'node:os';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { StateLockedError } from '../errors/state-locked-error.js';
import { readJson, writeJsonAtomic } from './atomic-json.js';
import type { RunRecord, StateLock, StateStore, TaskState } from './state-store.js';

interface LockFile {
  readonly runId: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** Partition values become file names: percent-encoding keeps them reversible and inside the folder. */
function fileNameOf(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E').replace(/\*/g, '%2A');
}

/**
 * State in a local directory (default `.etl/` beside the config): one JSON file per run and per pipeline ×
 * partition, each written atomically. Locks are files created exclusively; a lock whose process is gone
 * (same host) is stale and taken over, so a SIGKILLed run does not block the next one.
 */
export class LocalStateStore implements StateStore {
  readonly location: string;

  constructor(private readonly directory: string) {
    const rel = relative(process.cwd(), directory);
    this.location = rel && !rel.startsWith('..') ? rel : directory;
  }

  async lock(pipelines: readonly string[], owner: { readonly runId: string }): Promise<StateLock> {
    const taken: string[] = [];
    try {
      for (const pipeline of [...new Set(pipelines)].sort()) {
        const file = join(this.directory, 'locks', `${fileNameOf(pipeline)}.lock`);
        await this.takeLock(file, pipeline, owner.runId);
        taken.push(file);
      }
    } catch (error) {
      await Promise.all(taken.map((file) => rm(file, { force: true })));
      throw error;
    }
    return { release: async () => void (await Promise.all(taken.map((file) => rm(file, { force: true })))) };
  }

  private async takeLock(file: string, pipeline: string, runId: string): Promise<void> {
    const mine: LockFile = { runId, pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      await mkdir(dirname(file), { recursive: true });
      try {
        const handle = await open(file, 'wx', 0o600);
        try {
          await handle.writeFile(JSON.stringify(mine));
        } finally {
          await handle.close();
        }
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readJson<LockFile>(file).catch(() => undefined);
      if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
        await rm(file, { force: true }); // the holder crashed; its run can be resumed
        continue;
      }
      const who = holder ? `run ${holder.runId} (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : 'another run';
      throw new StateLockedError(`pipeline '${pipeline}' is locked by ${who}; wait for it to finish, or remove ${file} if that run is gone`);
    }
    throw new StateLockedError(`could not take the lock of pipeline '${pipeline}' (${file})`);
  }

  saveRun(run: RunRecord): Promise<void> {
    return writeJsonAtomic(join(this.directory, 'runs', `${fileNameOf(run.runId)}.json`), run);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return readJson<RunRecord>(join(this.directory, 'runs', `${fileNameOf(runId)}.json`));
  }

  async listRuns(): Promise<RunRecord[]> {
    const files = await readdirOrEmpty(join(this.directory, 'runs'));
    const runs = await Promise.all(files.filter((f) => f.endsWith('.json')).map((f) => readJson<RunRecord>(join(this.directory, 'runs', f))));
    return runs.filter((r): r is RunRecord => r !== undefined).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
  }

  getTaskState(pipeline: string, partition: string): Promise<TaskState | undefined> {
    return readJson<TaskState & { partition: string }>(this.taskFile(pipeline, partition));
  }

  saveTaskState(pipeline: string, partition: string, state: TaskState): Promise<void> {
    return writeJsonAtomic(this.taskFile(pipeline, partition), { partition, ...state });
  }

  async listTaskStates(pipeline: string): Promise<{ partition: string; state: TaskState }[]> {
    const dir = join(this.directory, 'tasks', fileNameOf(pipeline));
    const files = (await readdirOrEmpty(dir)).filter((f) => f.endsWith('.json')).sort();
    const out: { partition: string; state: TaskState }[] = [];
    for (const file of files) {
      const stored = await readJson<TaskState & { partition: string }>(join(dir, file));
      if (stored) {
        const { partition, ...state } = stored;
        out.push({ partition, state });
      }
    }
    return out;
  }

  async resetTaskState(pipeline: string, partition?: string): Promise<number> {
    if (partition !== undefined) {
      const file = this.taskFile(pipeline, partition);
      const existed = (await readJson(file)) !== undefined;
      await rm(file, { force: true });
      return existed ? 1 : 0;
    }
    const all = await this.listTaskStates(pipeline);
    await rm(join(this.directory, 'tasks', fileNameOf(pipeline)), { recursive: true, force: true });
    return all.length;
  }

  private taskFile(pipeline: string, partition: string): string {
    return join(this.directory, 'tasks', fileNameOf(pipeline), `${fileNameOf(partition)}.json`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
