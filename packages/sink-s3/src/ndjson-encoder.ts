import { EtlError } from '@etl/core';

/**
 * One record as an NDJSON line, newline included. JSON.stringify escapes newlines inside strings, so
 * every record is exactly one line. `index` is the record's position in its page, for the error.
 */
export function encodeNdjsonLine(record: unknown, index: number): string {
  const line = JSON.stringify(record) as string | undefined;
  // undefined, functions and symbols have no JSON form; writing "undefined" would corrupt the file.
  if (line === undefined) {
    throw new EtlError('S3_RECORD_NOT_JSON', `record ${index} of the page has no JSON form (it is ${typeof record})`);
  }
  return `${line}\n`;
}
