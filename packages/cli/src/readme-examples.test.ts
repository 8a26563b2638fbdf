// The README's examples, extracted and executed, so the documentation cannot drift from the code.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createJiti } from 'jiti';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etlBin, workspaceRoot } from './test-support/temp-project.js';

const run = promisify(execFile);
// Inside the workspace, so that the examples resolve @etl/* like an installed project would.
const scratch = join(workspaceRoot, '.tmp', `readme-${process.pid}`);
let readme = '';

/** The first fenced block of `lang` after the heading `section`. */
function block(section: string, lang: string): string {
  const from = readme.indexOf(`\n${section}\n`);
  if (from < 0) throw new Error(`README has no section ${section}`);
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(from));
  if (!match?.[1]) throw new Error(`README section ${section} has no ${lang} block`);
  return match[1];
}

beforeAll(async () => {
  readme = await readFile(join(workspaceRoot, 'README.md'), 'utf8');
  await mkdir(scratch, { recursive: true });
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('README examples', () => {
  it('the config under "The config" is valid as written', async () => {
    const file = join(scratch, 'etl.config.ts');
    await writeFile(file, block('## The config', 'ts'));
    const { stdout } = await run(process.execPath, [etlBin, 'validate', '--config', file], { cwd: scratch });
    expect(stdout).toBe('etl.config.ts is valid: 2 pipeline(s), 1 task(s)\n');
    const { stdout: plan } = await run(process.execPath, [etlBin, 'list', '--config', file], { cwd: scratch });
    expect(plan).toContain('then authorFeeds: one task per partition key from starterPackMembers');
  });

  it('the plugin under "Writing a plugin" pages to the end with the core driving it', async () => {
    const file = join(scratch, 'numbers.ts');
    await writeFile(file, block('## Writing a plugin', 'ts'));
    const mod = await createJiti(file).import<{ numbers: { definition: { create(o: unknown): { fetchPage(r: object): Promise<{ records: unknown[]; cursor?: string }> } } } }>(file);
    const source = mod.numbers.definition.create({ count: 25 });
    const records: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await source.fetchPage({ pipeline: 'p', partition: 'x', cursor, resolved: undefined, signal: new AbortController().signal, report: () => undefined });
      records.push(...page.records);
      cursor = page.cursor;
    } while (cursor);
    expect(records).toHaveLength(25);
    expect(records[24]).toEqual({ partition: 'x', n: 24 });
  });

  it('the CLI synopsis lists every command the binary knows', async () => {
    const synopsis = block('## The CLI', '');
    const { stdout: help } = await run(process.execPath, [etlBin, '--help']);
    for (const command of ['run', 'validate', 'list', 'runs', 'state', 'schema', 'init']) {
      expect(synopsis).toContain(`etl ${command}`);
      expect(help).toContain(`  ${command}`);
    }
  });
});
