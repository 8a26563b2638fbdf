// What `etl init` writes. The config reads its switches from the environment, so one file runs against
// Bluesky and AWS, against MinIO or R2, and against the offline demo servers (`npx @etl/demo servers`).

export interface InitAnswers {
  readonly name: string;
  readonly bucket: string;
  readonly starterPack: string;
}

/** The packages a project needs, at the version range of the CLI doing the init. */
export function etlDependencies(range: string): Record<string, string> {
  return { '@etl/cli': range, '@etl/core': range, '@etl/sink-s3': range, '@etl/source-atproto': range };
}

/** What type-checking the config needs: the versions this repository builds and tests with. */
export const TYPECHECK_DEPENDENCIES: Readonly<Record<string, string>> = { '@types/node': '^20.19.0', typescript: '^5.9.3' };

export const SCRIPTS: Readonly<Record<string, string>> = {
  typecheck: 'tsc --noEmit',
  validate: 'etl validate',
  plan: 'etl run --dry-run',
  start: 'etl run',
};

/** Under these options the config type-checks with `tsc --noEmit`, with `declaration: true` too (`include` names the config file). */
export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ['etl.config.ts'],
} as const;

export const GITIGNORE_LINES = ['node_modules/', '# run records, checkpoints, bookmarks and sessions of local runs', '.etl/', 'demo-data/'] as const;

export function configTemplate(answers: InitAnswers): string {
  return `// Two stages, as in Dagster's Bluesky example: snapshot a starter pack's members, then page each member's
// author feed into S3 as NDJSON, one feed at a time, politely (5 attempts 150 s apart, one call in flight).
//
// The environment picks where it runs; unset, it reads Bluesky's public AppView and writes to AWS S3:
//   ATPROTO_SERVICE   AppView URL (default https://public.api.bsky.app); an empty value counts as unset
//   ETL_STARTER_PACK  AT-URI of the starter pack
//   ETL_BUCKET        target bucket
//   S3_ENDPOINT       S3-compatible endpoint: MinIO, R2 (with AWS_REGION=auto), or the demo servers
//   AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...: the AWS SDK's default credential chain, never this file
// \`npx @etl/demo servers\` starts a synthetic AppView and an S3 server on loopback and prints these variables.
import { defineConfig, fromPipeline } from '@etl/core';
import { s3Sink } from '@etl/sink-s3';
import { atprotoAuthorFeed, atprotoStarterPackMembers, type ListItemView } from '@etl/source-atproto';

const env = process.env;
const service = env.ATPROTO_SERVICE || 'https://public.api.bsky.app';

// One sink value for both pipelines: one manifest per run lists every object of both stages.
const raw = s3Sink({
  bucket: env.ETL_BUCKET || ${JSON.stringify(answers.bucket)},
  key: 'atproto/{pipeline}/dt={date}/{partition}.jsonl',
  ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true } : {}),
  ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
});

export default defineConfig({
  concurrency: { limit: 1, groups: { ingestion: 1 } },
  pipelines: {
    starterPackMembers: {
      source: atprotoStarterPackMembers({ service }),
      partitions: [env.ETL_STARTER_PACK || ${JSON.stringify(answers.starterPack)}],
      sink: raw,
    },
    authorFeeds: {
      source: atprotoAuthorFeed({ service, limit: 100 }),
      partitions: fromPipeline('starterPackMembers', (member: ListItemView) => member.subject.did),
      sink: raw,
      group: 'ingestion',
      policy: { retry: { attempts: 5, backoff: { constant: '150s' } }, bulkhead: 1 },
    },
  },
});
`;
}
