import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** Digest of the config file's text: the coordinator and its workers must run the very same config. */
export async function configDigest(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}
