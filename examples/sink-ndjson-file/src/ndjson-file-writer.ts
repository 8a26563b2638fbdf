import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SinkCommitResult, SinkWriter } from '@etl/core';

/**
 * Writes one task's records as NDJSON to a temp file beside the target; `commit()` fsyncs and renames it
 * over the target (atomic, and a rerun replaces the file), `abort()` removes it.
 */
export class NdjsonFileWriter implements SinkWriter<unknown> {
  readonly #target: string;
  readonly #temp: string;
  #file: FileHandle | undefined;
  #records = 0;
  #bytes = 0;
  #done = false;

  private constructor(target: string) {
    this.#target = target;
    this.#temp = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  }

  static async open(target: string): Promise<NdjsonFileWriter> {
    const writer = new NdjsonFileWriter(target);
    await mkdir(dirname(target), { recursive: true });
    writer.#file = await open(writer.#temp, 'wx');
    return writer;
  }

  async write(records: readonly unknown[]): Promise<void> {
    if (this.#done || !this.#file) throw new Error('write() after commit() or abort()');
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    await this.#file.write(text);
    this.#records += records.length;
    this.#bytes += Buffer.byteLength(text);
  }

  async commit(): Promise<SinkCommitResult> {
    if (this.#done || !this.#file) throw new Error('commit() after commit() or abort()');
    this.#done = true;
    await this.#file.sync();
    await this.#file.close();
    this.#file = undefined;
    await rename(this.#temp, this.#target);
    return { outputs: [{ location: this.#target, records: this.#records, bytes: this.#bytes }] };
  }

  async abort(): Promise<void> {
    this.#done = true;
    await this.#file?.close().catch(() => undefined);
    this.#file = undefined;
    await rm(this.#temp, { force: true });
  }
}
