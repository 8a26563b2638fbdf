import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { validateConfig } from './validate-config.js';
import { memorySinkWith, memorySourceWith, newMemoryStore } from '../test-support/memory-plugins.js';

// A pipeline's name is part of task ids (`<pipeline>/<partition>`), of sink keys ({pipeline}) and of state
// paths: one that breaks them is refused when the config is loaded, with the path and what is allowed.
const ALLOWED = "pipeline names are letters, digits, '_', '-' and '.', starting with a letter, digit or '_', at most 64 characters (a name is part of task ids <pipeline>/<partition>, sink keys and state paths)";

function problemsFor(name: string): string[] {
  const pipeline = { source: memorySourceWith({ fetch: () => ({ records: [] }) }), partitions: ['p'], sink: memorySinkWith(newMemoryStore()) };
  try {
    validateConfig({ pipelines: { ok: pipeline, [name]: pipeline } }, 'etl.config.ts');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('pipeline names', () => {
  it.each([
    ['a/b', 'pipelines["a/b"]', '"a/b"'],
    ['a\\b', 'pipelines["a\\\\b"]', '"a\\\\b"'],
    ['', 'pipelines[""]', '""'],
    ['.', 'pipelines["."]', '"."'],
    ['..', 'pipelines[".."]', '".."'],
    ['.hidden', 'pipelines[".hidden"]', '".hidden"'],
    ['-feeds', 'pipelines["-feeds"]', '"-feeds"'],
    ['tab\there', 'pipelines["tab\\there"]', '"tab\\there"'],
    ['nul\u0000', 'pipelines["nul\\u0000"]', '"nul\\u0000"'],
    [' feeds', 'pipelines[" feeds"]', '" feeds"'],
    ['feeds ', 'pipelines["feeds "]', '"feeds "'],
    ['two words', 'pipelines["two words"]', '"two words"'],
    ['x'.repeat(65), `pipelines.${'x'.repeat(65)}`, `"${'x'.repeat(65)}"`],
  ])('refuses %j', (name, path, shown) => {
    expect(problemsFor(name)).toEqual([`etl.config.ts: ${path}: pipeline name ${shown} is not allowed: ${ALLOWED}`]);
  });

  it.each(['feeds', 'author-feeds', 'author_feeds', 'v2.feeds', '_private', '2024', 'Feeds.v1-beta_2', 'x'.repeat(64)])('accepts %j', (name) => {
    expect(problemsFor(name)).toEqual([]);
  });
});
