#!/usr/bin/env node
// `pnpm release --registry <url>`: builds every package, checks every public one as it will be published
// (scripts/check-packages.mjs: manifest, publint, attw), then publishes those whose version the registry
// does not have yet. The registry is never implied, so nothing reaches the public registry by accident:
// a real release names it (`--registry https://registry.npmjs.org/`); CI only ever publishes to a loopback
// Verdaccio (scripts/registry-test.mjs). Versions and changelogs come from changesets first
// (`pnpm changeset`, then `pnpm changeset version`).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { workspaceRoot } from './public-packages.mjs';

const { values } = parseArgs({ options: { registry: { type: 'string' }, tag: { type: 'string' } } });
if (!values.registry) {
  console.error('release: name the registry to publish to: pnpm release --registry <url>');
  process.exit(2);
}
const step = (title, command, args) => {
  console.log(`\n==== release: ${title}`);
  execFileSync(command, args, { cwd: workspaceRoot, stdio: 'inherit' });
};

step('build', process.execPath, [join(workspaceRoot, 'node_modules/typescript/bin/tsc'), '-b']);
step('check the packages as packed', process.execPath, [join(workspaceRoot, 'scripts/check-packages.mjs')]);
// pnpm applies publishConfig and turns workspace: ranges into real ones; it skips private packages and
// versions the registry already has.
step(`publish to ${values.registry}`, 'npx', ['--yes', 'pnpm@10.34.9', '-r', 'publish', '--registry', values.registry, '--no-git-checks', ...(values.tag ? ['--tag', values.tag] : [])]);
