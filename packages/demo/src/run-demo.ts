// `pnpm demo`: the example pipeline end to end on this machine, no account or cloud needed. Starts, on free
// loopback ports, a lexicon-validating AT Protocol AppView serving a synthetic starter pack of 20 accounts
// and an embedded S3 server (s3rver) writing under demo-data/; runs the root etl.config.ts through the
// real `etl run` (starter pack → member feeds), then reports on what landed with DuckDB.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startAppView } from './appview/index.js';
import { demoDataset, demoStarterPack } from './demo-dataset.js';
import { demoReport } from './demo-report.js';
import { runExample } from './example-run.js';
import { getObject, listKeys, startS3 } from './s3/index.js';

const BUCKET = 'raw';

async function main(): Promise<number> {
  // The AWS SDK warns on Node 20 although it works; the demo's output should show the run, not that.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const root = resolve(process.env.ETL_DEMO_ROOT ?? process.cwd());
  const out = resolve(process.env.ETL_DEMO_DATA ?? join(root, 'demo-data'));
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 's3'), { recursive: true });

  const dataset = demoDataset();
  const starterPack = demoStarterPack(dataset);
  // A realistic limit (the PDS's documented 3000 requests / 5 min per IP); the demo stays well under it.
  const appView = await startAppView({ dataset, rateLimit: { points: 3000, durationMs: 300_000 } });
  const s3 = await startS3({ directory: join(out, 's3'), buckets: [BUCKET] });
  try {
    console.log(`AT Protocol AppView (synthetic: ${dataset.actors.length} accounts, starter pack ${starterPack}): ${appView.url}`);
    console.log(`S3-compatible server (s3rver): ${s3.endpoint}, bucket '${BUCKET}', files under ${join(out, 's3')}\n`);

    const run = await runExample({ root, appView, s3, bucket: BUCKET, starterPack, stdio: 'inherit' });
    if (run.code !== 0) return run.code ?? 1;

    // DuckDB reads local files here (its S3 extension cannot be downloaded offline): fetch the objects first.
    const keys = await listKeys(s3, BUCKET);
    const local = join(out, 'objects');
    const files = { members: [] as string[], feeds: [] as string[] };
    for (const key of keys.filter((k) => k.startsWith('atproto/'))) {
      const file = join(local, key);
      await mkdir(resolve(file, '..'), { recursive: true });
      await writeFile(file, await getObject(s3, BUCKET, key));
      (key.startsWith('atproto/starterPackMembers/') ? files.members : files.feeds).push(file);
    }
    const report = await demoReport(files.members, files.feeds);
    await writeFile(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

    console.log(`\n${keys.length} object(s) in s3://${BUCKET}/ (${keys.filter((k) => k.startsWith('_manifests/')).join(', ')} lists them)`);
    console.log(`Query them yourself: duckdb -c "SELECT post.author.handle, count(*) FROM read_ndjson('${join(local, 'atproto/authorFeeds/*/*.jsonl')}') GROUP BY 1"`);
    console.log(`\nStarter pack members: ${report.members}; posts in their feeds: ${report.posts}`);
    console.log('\nPosts per author (DuckDB):');
    for (const row of report.postsPerAuthor) console.log(`  ${String(row.posts).padStart(5)}  ${row.author}`);
    console.log('\nTop linked domains (DuckDB):');
    for (const row of report.topDomains) console.log(`  ${String(row.links).padStart(5)}  ${row.domain}`);
    return 0;
  } finally {
    await appView.close();
    await s3.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
