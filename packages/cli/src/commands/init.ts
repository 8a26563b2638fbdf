import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UsageError } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';

const PACKAGES = ['@etl/core', '@etl/cli', '@etl/source-atproto', '@etl/sink-s3'] as const;
const VERSION_RANGE = '^0.1.0';

interface InitAnswers {
  readonly name: string;
  readonly bucket: string;
  readonly starterPack: string;
}

/**
 * `etl init [dir]`: scaffolds a working project in an empty directory — package.json with the packages,
 * etl.config.ts (the two-stage starter pack → feeds example), .gitignore for local state. Flags answer the
 * questions (`--name`, `--bucket`, `--starter-pack`); on a terminal it asks for what the flags left out.
 * `--from <dir>` links the packages from a local checkout instead of the registry.
 */
export async function initCommand(args: CliArgs, io: CliIo & { stdin?: NodeJS.ReadableStream }): Promise<number> {
  const target = resolve(io.cwd, args.rest[0] ?? '.');
  if (existsSync(target) && (await readdir(target)).some((entry) => !entry.startsWith('.'))) {
    throw new UsageError(`${target} is not empty; etl init scaffolds a new project in an empty directory`);
  }
  const defaults: InitAnswers = {
    name: args.init.name ?? (basename(target).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'etl-project'),
    bucket: args.init.bucket ?? 'raw',
    starterPack: args.init.starterPack ?? 'at://did:plc:lc5jzrr425fyah724df3z5ik/app.bsky.graph.starterpack/3l7cddlz5ja24',
  };
  const answers = io.stdout.isTTY && io.stdin && !args.init.yes ? await ask(io, defaults) : defaults;
  const from = args.init.from ? (isAbsolute(args.init.from) ? args.init.from : resolve(io.cwd, args.init.from)) : undefined;
  const spec = (pkg: (typeof PACKAGES)[number]) => (from ? `link:${join(from, pkg.replace('@etl/', ''))}` : VERSION_RANGE);

  await mkdir(target, { recursive: true });
  const packageJson = {
    name: answers.name || 'etl-project',
    private: true,
    type: 'module',
    scripts: { validate: 'etl validate', run: 'etl run', list: 'etl list' },
    dependencies: Object.fromEntries(PACKAGES.map((pkg) => [pkg, spec(pkg)])),
  };
  await writeFile(join(target, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  await writeFile(join(target, 'etl.config.ts'), configTemplate(answers));
  await writeFile(join(target, '.gitignore'), 'node_modules/\n# run records, checkpoints, bookmarks and sessions of local runs\n.etl/\n');
  writeLine(io.stdout, `Created ${target}: package.json, etl.config.ts, .gitignore`);
  writeLine(io.stdout, 'Next: install the dependencies (npm install, or pnpm install), then `npx etl validate` and `npx etl run --dry-run`.');
  return EXIT.ok;
}

async function ask(io: CliIo & { stdin?: NodeJS.ReadableStream }, defaults: InitAnswers): Promise<InitAnswers> {
  const rl = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: io.stdout });
  try {
    const q = async (question: string, fallback: string) => (await rl.question(`${question} (${fallback}): `)).trim() || fallback;
    return {
      name: await q('Project name', defaults.name),
      bucket: await q('S3 bucket for the data', defaults.bucket),
      starterPack: await q('Starter pack (AT-URI or bsky.app URL)', defaults.starterPack),
    };
  } finally {
    rl.close();
  }
}

function configTemplate(answers: InitAnswers): string {
  return `import { defineConfig, fromPipeline } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed, atprotoStarterPackMembers, type ListItemView } from '@etl/source-atproto';

// Credentials come from the AWS SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, roles), never from here.
const raw = s3Sink({ bucket: ${JSON.stringify(answers.bucket)}, key: 'atproto/{pipeline}/dt={date}/{partition}.jsonl' });

export default defineConfig({
  concurrency: { limit: 1, groups: { ingestion: 1 } },
  pipelines: {
    starterPackMembers: {
      source: atprotoStarterPackMembers({}),
      partitions: [${JSON.stringify(answers.starterPack)}],
      sink: raw,
    },
    authorFeeds: {
      source: atprotoAuthorFeed({ limit: 100 }),
      partitions: fromPipeline('starterPackMembers', (member: ListItemView) => member.subject.did),
      sink: raw,
      group: 'ingestion',
    },
  },
});
`;
}
