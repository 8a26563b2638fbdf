import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, fixturePlugins, tempProject, type TempProject } from './test-support/temp-project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(async () => {
  await project.cleanup();
});

describe('etl schema', () => {
  it('prints a JSON Schema that accepts a good data config and rejects bad plugin options', async () => {
    const result = await cli(['schema', '--plugin', fixturePlugins], project.dir);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const config = (directory: unknown) => ({
      concurrency: { limit: 2 },
      pipelines: {
        feeds: {
          source: { use: `${fixturePlugins}#countingSource`, options: { records: 3 } },
          partitions: ['a'],
          sink: { use: `${fixturePlugins}#fileSink`, options: { directory } },
        },
      },
    });
    expect(validate(config('/tmp/out')), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(config(42))).toBe(false);
    expect(validate({ pipelines: { feeds: { source: { use: 'x' }, partitions: ['a'], sink: { use: `${fixturePlugins}#fileSink`, options: { directory: '/x' } } } } })).toBe(false);
    expect(JSON.stringify(schema)).toContain('"secret":true'); // kept as an annotation for editors
  });
});
