// The config reference is generated from the plugins' option schemas: the committed file must match them.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { etlBin, workspaceRoot } from './test-support/temp-project.js';

describe('docs/config-reference.md', () => {
  it('is what `etl schema --markdown` generates from the built-in plugins (regenerate it if this fails)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [etlBin, 'schema', '--markdown'], { cwd: workspaceRoot });
    const committed = await readFile(join(workspaceRoot, 'docs/config-reference.md'), 'utf8');
    expect(committed).toBe(stdout);
    for (const factory of ['atprotoAuthorFeed', 'atprotoStarterPackMembers', 's3Sink', 's3State', 'localState']) expect(stdout).toContain(`\`${factory}\``);
  });
});
