import { resolve } from 'node:path';
import { defineSink } from '@etl/core';
import { checkKey, DEFAULT_KEY, renderKey } from './file-key.js';
import { NdjsonFileWriter } from './ndjson-file-writer.js';

/** A sink writing one NDJSON file per task under a local directory, visible only once the task commits. */
export const ndjsonFileSink = defineSink({
  name: 'example.ndjsonFile',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['directory'],
    properties: {
      directory: { type: 'string', minLength: 1, description: 'Directory the files go under (relative to the working directory).' },
      key: {
        type: 'string',
        minLength: 1,
        description: `File path template inside the directory. Placeholders {pipeline}, {partition}, {runId}, {date}, each percent-encoded. Default "${DEFAULT_KEY}".`,
      },
    },
  } as const,
  check: (options) => {
    const problem = options.key === undefined ? undefined : checkKey(options.key);
    return problem ? [{ path: 'key', message: problem }] : [];
  },
  create: (options) => {
    const directory = resolve(options.directory);
    const key = options.key ?? DEFAULT_KEY;
    return {
      open: (task) => NdjsonFileWriter.open(resolve(directory, renderKey(key, task))),
    };
  },
});
