// The workspace packages that are published: every package.json under packages/ and examples/ that is not
// private. One list for the package checks, the release and the registry test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** @returns {{ name: string, version: string, dir: string, manifest: Record<string, unknown> }[]} */
export function publicPackages() {
  return ['packages', 'examples'].flatMap((group) =>
    readdirSync(join(workspaceRoot, group))
      .map((name) => join(workspaceRoot, group, name))
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
      .filter(({ manifest }) => manifest.private !== true)
      .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir, manifest })),
  );
}
