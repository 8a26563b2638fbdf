import { EtlError } from '@etl/core';

/**
 * One page of records as NDJSON bytes. JSON.stringify escapes newlines inside strings, so every
 * record is exactly one line.
 */
export function encodeNdjson(records: readonly unknown[]): Buffer {
  let text = '';
  for (const [index, record] of records.entries()) {
    const line = JSON.stringify(record) as string | undefined;
    // undefined, functions and symbols have no JSON form; writing "undefined" would corrupt the file.
    if (line === undefined) {
      throw new EtlError('S3_RECORD_NOT_JSON', `record ${index} of the page has no JSON form (it is ${typeof record})`);
    }
    text += `${line}\n`;
  }
  return Buffer.from(text, 'utf8');
}
