import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompiledSchemaCache } from './compiled-schema-cache.js';
import { SchemaCompiler } from './schema-compiler.js';
import { SchemaValidator } from './schema-validator.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['bucket'],
  properties: {
    bucket: { type: 'string', pattern: '^[a-z0-9.-]+$' },
    endpoint: { type: 'string', format: 'uri' },
    token: { type: 'string', secret: true },
  },
} as const;
const bad = { bucket: 'Not A Bucket', endpoint: 'not a uri', token: 42, bukcet: 'raw' };

let project: string;
let entries: string;
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'etl-schema-cache-'));
  await mkdir(join(project, 'node_modules'));
  entries = join(project, 'node_modules/.cache/etl/schemas');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(project, { recursive: true, force: true });
});

/** A validator as a new process would have it: nothing compiled in memory yet. */
const freshValidator = (directory = project) => new SchemaValidator(CompiledSchemaCache.near(directory));
const problemsOf = (validator: SchemaValidator, data: unknown = bad) => validator.validate(schema, data, { at: ['pipelines', 'p', 'sink'] });

describe('compiled-schema cache', () => {
  it('stores what one process compiles and lets the next one validate with no compile at all, with the same problems', async () => {
    const compile = vi.spyOn(SchemaCompiler.prototype, 'compile');
    const compiled = problemsOf(freshValidator());
    expect(compile).toHaveBeenCalledTimes(1);
    expect(await readdir(entries)).toHaveLength(1);
    // The problems depend on ajv's verbose errors (parent schema, allowed keys), which the cached code must keep.
    expect(compiled.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^unknown key 'bukcet'; expected one of: bucket, endpoint, token$/)]));
    expect(compiled).toHaveLength(4);

    const fromCache = problemsOf(freshValidator());
    expect(compile).toHaveBeenCalledTimes(1);
    expect(fromCache).toEqual(compiled);
    expect(problemsOf(freshValidator(), { bucket: 'raw' })).toEqual([]);
  });

  it('misses for an edited schema, and recompiles (and repairs) a damaged entry', async () => {
    const compile = vi.spyOn(SchemaCompiler.prototype, 'compile');
    const expected = problemsOf(freshValidator());
    const [entry] = await readdir(entries);
    await writeFile(join(entries, entry as string), 'module.exports = (');
    expect(problemsOf(freshValidator())).toEqual(expected);
    expect(compile).toHaveBeenCalledTimes(2);
    expect(problemsOf(freshValidator())).toEqual(expected);
    expect(compile).toHaveBeenCalledTimes(2);

    const edited = { ...schema, properties: { ...schema.properties, region: { type: 'string' } } };
    freshValidator().validate(edited, {}, { at: [] });
    expect(compile).toHaveBeenCalledTimes(3);
    expect(await readdir(entries)).toHaveLength(2);
  });

  it('caches only schemas that are plain JSON, and only inside a project with node_modules', async () => {
    const cache = CompiledSchemaCache.near(join(project, 'configs', 'nested'));
    expect(cache?.keyOf(schema)).toMatch(/^[0-9a-f]{32}$/);
    expect(cache?.keyOf({ type: 'string', pattern: /a/ })).toBeUndefined();
    expect(cache?.keyOf({ type: 'string', default: undefined })).toBeUndefined();
    expect(CompiledSchemaCache.near('/')).toBeUndefined();
  });
});
