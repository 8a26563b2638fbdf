// The two public entries (docs/plugins.md, "Which imports are stable"): @etl/core for config and plugin
// authors, @etl/core/host for hosts. Adding a name to either is a decision; this test makes it a visible one.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';
import * as host from './host.js';

const packages = fileURLToPath(new URL('../../', import.meta.url));

describe('public surfaces', () => {
  it('@etl/core exports the config and plugin API (values; types are checked by tsc)', () => {
    expect(Object.keys(core).sort()).toEqual([
      'EtlError', 'PartitionSkippedError', 'StateLockedError', 'abortReason', 'defineConfig', 'defineSink', 'defineSource',
      'defineStateStore', 'env', 'fromPipeline', 'isAbortError', 'isPartitionSkipped', 'isPartitionsFrom', 'isSinkSpec',
      'isSourceSpec', 'isStateStoreSpec', 'localState', 'raceAbort',
    ]);
  });

  it('@etl/core/host exports what hosts load, plan and run with, and nothing of @etl/core', () => {
    expect(Object.keys(host).sort()).toEqual([
      'ConfigError', 'TaskHost', 'UsageError', 'checkPlugins', 'configJsonSchema', 'formatClock', 'loadConfig', 'openStateStore',
      'planTasks', 'redactOptions', 'runPipelines', 'selectedPipelines', 'validateConfig',
    ]);
    expect(Object.keys(host).filter((name) => name in core)).toEqual([]);
  });

  it.each(['source-atproto', 'sink-s3'])('the built-in plugin %s imports only @etl/core, as a third-party plugin would', async (pkg) => {
    const src = join(packages, pkg, 'src');
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('test-support'));
    expect(files.length).toBeGreaterThan(0);
    const offending: string[] = [];
    for (const file of files) {
      const text = await readFile(join(src, file), 'utf8');
      for (const [, specifier] of text.matchAll(/from '(@etl\/core[^']*)'/g)) if (specifier !== '@etl/core') offending.push(`${file}: ${specifier}`);
    }
    expect(offending).toEqual([]);
  });
});
