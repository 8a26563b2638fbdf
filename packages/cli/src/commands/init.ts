import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UsageError } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { configTemplate, etlDependencies, GITIGNORE_LINES, SCRIPTS, TSCONFIG, TYPECHECK_DEPENDENCIES, type InitAnswers } from '../init/project-files.js';
import { EXIT, writeLine, type CliIo } from '../io.js';

const DEFAULT_STARTER_PACK = 'at://did:plc:lc5jzrr425fyah724df3z5ik/app.bsky.graph.starterpack/3l7cddlz5ja24';

/** The range of the CLI doing the init: a project gets the packages it was made with. */
function ownRange(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `^${manifest.version}`;
}

interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * `etl init [dir]`: in an empty (or new) directory, scaffolds a project: package.json with the @etl packages
 * (at this CLI's version) and TypeScript, etl.config.ts, tsconfig.json, .gitignore. In a directory that
 * already holds a package.json, adds etl to that project instead: the config, a tsconfig.json if there is
 * none, the .gitignore lines and the scripts it lacks, and says what to install. Flags answer the
 * questions (`--name`, `--bucket`, `--starter-pack`); on a terminal it asks for what the flags left out.
 */
export async function initCommand(args: CliArgs, io: CliIo & { stdin?: NodeJS.ReadableStream }): Promise<number> {
  const target = resolve(io.cwd, args.rest[0] ?? '.');
  const manifestFile = join(target, 'package.json');
  const existing = existsSync(manifestFile);
  if (!existing && existsSync(target) && (await readdir(target)).some((entry) => !entry.startsWith('.'))) {
    throw new UsageError(`${target} is not empty and has no package.json; etl init scaffolds a new project in an empty directory, or adds etl to an existing one`);
  }
  const present = existsSync(target) ? (await readdir(target)).filter((file) => /^(etl\.config\.|\.etlrc)/.test(file)) : [];
  if (present.length > 0) throw new UsageError(`${join(target, present[0] as string)} exists already; etl init leaves an existing config alone`);

  const manifest = existing ? (JSON.parse(await readFile(manifestFile, 'utf8')) as PackageJson) : undefined;
  const defaults: InitAnswers = {
    name: args.init.name ?? manifest?.name ?? (basename(target).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'etl-project'),
    bucket: args.init.bucket ?? 'raw',
    starterPack: args.init.starterPack ?? DEFAULT_STARTER_PACK,
  };
  const answers = io.stdout.isTTY && io.stdin && !args.init.yes ? await ask(io, defaults, existing) : defaults;
  const range = ownRange();
  // The @etl packages are ESM-only: in a CommonJS project (npm init's default) the config is an .mts file.
  const configFile = manifest && manifest.type !== 'module' ? 'etl.config.mts' : 'etl.config.ts';
  await mkdir(target, { recursive: true });
  const written: string[] = [];
  const notes: string[] = [];

  if (manifest) {
    const scripts = { ...manifest.scripts };
    const skipped = Object.keys(SCRIPTS).filter((name) => name in scripts && scripts[name] !== SCRIPTS[name]);
    for (const [name, command] of Object.entries(SCRIPTS)) scripts[name] ??= command;
    await writeFile(manifestFile, `${JSON.stringify({ ...manifest, scripts }, null, 2)}\n`);
    written.push('package.json (scripts)');
    if (skipped.length > 0) notes.push(`kept your own script(s) ${skipped.join(', ')}; etl's would be: ${skipped.map((name) => `"${name}": "${SCRIPTS[name]}"`).join(', ')}`);
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    const missing = Object.entries({ ...etlDependencies(range), ...TYPECHECK_DEPENDENCIES }).filter(([pkg]) => !(pkg in declared));
    if (missing.length > 0) notes.push(`install what the config needs: npm install -D ${missing.map(([pkg, r]) => `${pkg}@${r}`).join(' ')}`);
  } else {
    const packageJson = {
      name: answers.name || 'etl-project',
      version: '0.0.0',
      private: true,
      type: 'module',
      scripts: SCRIPTS,
      dependencies: etlDependencies(range),
      devDependencies: TYPECHECK_DEPENDENCIES,
    };
    await writeFile(manifestFile, `${JSON.stringify(packageJson, null, 2)}\n`);
    written.push('package.json');
  }

  await writeFile(join(target, configFile), configTemplate(answers));
  written.push(configFile);
  if (existsSync(join(target, 'tsconfig.json'))) {
    notes.push(`kept your tsconfig.json; ${configFile} type-checks with module/moduleResolution NodeNext and types ["node"]`);
  } else {
    await writeFile(join(target, 'tsconfig.json'), `${JSON.stringify({ ...TSCONFIG, include: [configFile] }, null, 2)}\n`);
    written.push('tsconfig.json');
  }
  const gitignore = join(target, '.gitignore');
  const ignored = existsSync(gitignore) ? (await readFile(gitignore, 'utf8')).split('\n') : [];
  const add = GITIGNORE_LINES.filter((line) => !ignored.includes(line));
  if (add.length > 0) {
    await appendFile(gitignore, `${ignored.length > 0 && ignored.at(-1) !== '' ? '\n' : ''}${add.join('\n')}\n`);
    written.push('.gitignore');
  }

  const where = relative(io.cwd, target) || '.';
  writeLine(io.stdout, `${manifest ? 'Added etl to' : 'Created'} ${target}: ${written.join(', ')}`);
  for (const note of notes) writeLine(io.stdout, `Note: ${note}`);
  const steps = [
    ...(where === '.' ? [] : [`cd ${where}`]),
    manifest ? undefined : 'npm install',
    'npx tsc --noEmit',
    'npx etl validate',
    'npx etl run --dry-run',
  ].filter((step): step is string => step !== undefined);
  writeLine(io.stdout, `Next: ${steps.join(' && ')}`);
  writeLine(io.stdout, 'Offline, against synthetic servers: run `npx @etl/demo servers` in another terminal, paste the variables it prints, then `npx etl run`.');
  return EXIT.ok;
}

async function ask(io: CliIo & { stdin?: NodeJS.ReadableStream }, defaults: InitAnswers, existing: boolean): Promise<InitAnswers> {
  const rl = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: io.stdout });
  try {
    const q = async (question: string, fallback: string) => (await rl.question(`${question} (${fallback}): `)).trim() || fallback;
    return {
      name: existing ? defaults.name : await q('Project name', defaults.name),
      bucket: await q('S3 bucket for the data', defaults.bucket),
      starterPack: await q('Starter pack (AT-URI or bsky.app URL)', defaults.starterPack),
    };
  } finally {
    rl.close();
  }
}
