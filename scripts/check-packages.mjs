#!/usr/bin/env node
// Packs every public package as it would be published (pnpm pack: publishConfig applied, workspace: ranges
// replaced) and checks the tarball: the manifest fields a user of the registry relies on, no workspace or
// link ranges, the files the exports map names (with declaration and source maps), a LICENSE, then
// publint (packaging mistakes) and @arethetypeswrong/cli (types that resolve for every ESM consumer).
// Usage: node scripts/check-packages.mjs [--out DIR]   (the tarballs stay in DIR, default .tmp/packs)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { publicPackages, workspaceRoot } from './public-packages.mjs';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(workspaceRoot, '.tmp/packs'));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => join(workspaceRoot, 'node_modules/.bin', name);
const pnpm = ['--yes', 'pnpm@10.34.9'];

const REQUIRED = ['name', 'version', 'description', 'keywords', 'type', 'license', 'engines', 'files', 'exports', 'publishConfig'];
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Every path an exports map points at, with the condition list, for the checks below. */
function exportTargets(exports, trail = []) {
  if (typeof exports === 'string') return [{ conditions: trail, target: exports }];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, [...trail, key]));
}

function problemsOf(manifest, files) {
  const problems = [];
  for (const field of REQUIRED) if (manifest[field] === undefined || (Array.isArray(manifest[field]) && manifest[field].length === 0)) problems.push(`no "${field}"`);
  if (manifest.type !== 'module') problems.push('"type" is not "module"');
  if (!manifest.engines?.node) problems.push('no "engines.node"');
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|link|file|portal):/.test(range)) problems.push(`${field}.${dep} is "${range}", which only this workspace can resolve`);
    }
  }
  if (!files.has('LICENSE')) problems.push('no LICENSE file');
  for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
    if (typeof conditions === 'object' && Object.keys(conditions)[0] !== 'types') problems.push(`exports["${subpath}"] does not list "types" first`);
  }
  for (const { conditions, target } of exportTargets(manifest.exports ?? {})) {
    const file = target.replace(/^\.\//, '');
    if (!files.has(file)) problems.push(`exports ${conditions.join('.')} -> ${target} is not in the package`);
    if (file.endsWith('.d.ts') && !files.has(`${file}.map`)) problems.push(`${target} has no declaration map`);
    if (file.endsWith('.js') && !files.has(`${file}.map`)) problems.push(`${target} has no source map`);
  }
  for (const target of Object.values(typeof manifest.bin === 'string' ? { bin: manifest.bin } : (manifest.bin ?? {}))) {
    if (!files.has(target.replace(/^\.\//, ''))) problems.push(`bin ${target} is not in the package`);
  }
  const stray = [...files].filter((file) => /\.test\.[jt]s$|\/test-support\/|\.tsbuildinfo$/.test(file));
  if (stray.length > 0) problems.push(`ships test files: ${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ', ...' : ''}`);
  return problems;
}

let failed = 0;
for (const pkg of publicPackages()) {
  const packed = execFileSync('npx', [...pnpm, 'pack', '--pack-destination', out], { cwd: pkg.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = packed.trim().split('\n').at(-1);
  const unpacked = mkdtempSync(join(out, 'unpacked-'));
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  const root = join(unpacked, 'package');
  const files = new Set(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, '')));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const problems = problemsOf(manifest, files);
  const publint = spawnSync(bin('publint'), ['run', tarball, '--strict'], { encoding: 'utf8' });
  if (publint.status !== 0) problems.push(`publint:\n${publint.stdout}${publint.stderr}`);
  // A bin-only package (the `npm create` initializer) has no module entry whose types could be wrong.
  const hasTypes = exportTargets(manifest.exports ?? {}).some(({ conditions }) => conditions.includes('types'));
  if (hasTypes) {
    const attw = spawnSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped'], { encoding: 'utf8' });
    if (attw.status !== 0) problems.push(`@arethetypeswrong/cli:\n${attw.stdout}${attw.stderr}`);
  }
  rmSync(unpacked, { recursive: true, force: true });
  const size = (readFileSync(tarball).length / 1024).toFixed(0);
  if (problems.length === 0) {
    console.log(`ok    ${pkg.name}@${pkg.version} (${files.size} files, ${size} KiB packed): manifest, publint${hasTypes ? ', attw' : ' (bin only: no types to check)'}`);
  } else {
    failed++;
    console.log(`FAIL  ${pkg.name}@${pkg.version}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
console.log(`${readdirSync(out).filter((f) => f.endsWith('.tgz')).length} tarball(s) in ${out}`);
if (failed > 0) {
  console.error(`check-packages: ${failed} package(s) are not ready to publish`);
  process.exit(1);
}
