// `pnpm demo`: the example pipeline end to end on this machine, no account or cloud needed. Starts a
// lexicon-validating AT Protocol AppView with synthetic data and an embedded S3 server on free loopback
// ports, runs the root etl.config.ts through the real `etl run`, then reports on what landed.
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sampleDataset, startAppView } from './appview/index.js';
import { runExample } from './example-run.js';
import { getObject, listKeys, startS3 } from './s3/index.js';

const BUCKET = 'raw';

async function main(): Promise<number> {
  // The AWS SDK warns on Node 20 although it works; the demo's output should show the run, not that.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const root = resolve(process.env.ETL_DEMO_ROOT ?? process.cwd());
  const dataDir = join(root, 'demo-data', 's3');
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  const dataset = sampleDataset();
  // A realistic limit (the PDS's documented 3000 requests / 5 min per IP); the demo stays well under it.
  const appView = await startAppView({ dataset, rateLimit: { points: 3000, durationMs: 300_000 } });
  const s3 = await startS3({ directory: dataDir, buckets: [BUCKET] });
  try {
    const actors = dataset.actors.map((a) => a.handle);
    console.log(`AT Protocol AppView (synthetic, ${actors.length} accounts): ${appView.url}`);
    console.log(`S3-compatible server (s3rver): ${s3.endpoint}, bucket '${BUCKET}', files under ${dataDir}\n`);

    const run = await runExample({ root, appView, s3, bucket: BUCKET, actors, stdio: 'inherit' });
    if (run.code !== 0) return run.code ?? 1;

    await report(s3, actors.length);
    return 0;
  } finally {
    await appView.close();
    await s3.close();
  }
}

async function report(s3: Awaited<ReturnType<typeof startS3>>, actors: number): Promise<void> {
  const all = await listKeys(s3, BUCKET);
  // Run manifests (written by the sink after each run) are JSON documents, not feed records.
  const manifests = all.filter((key) => key.startsWith('_manifests/'));
  const keys = all.filter((key) => !key.startsWith('_manifests/'));
  const perAuthor = new Map<string, number>();
  const domains = new Map<string, number>();
  for (const key of keys) {
    const body = (await getObject(s3, BUCKET, key)).toString('utf8');
    for (const line of body.split('\n')) {
      if (!line) continue;
      const item = JSON.parse(line) as { post: { author: { handle: string }; record: { facets?: { features: { uri?: string }[] }[] } } };
      perAuthor.set(item.post.author.handle, (perAuthor.get(item.post.author.handle) ?? 0) + 1);
      for (const facet of item.post.record.facets ?? []) {
        for (const feature of facet.features) {
          if (feature.uri) {
            const host = new URL(feature.uri).hostname;
            domains.set(host, (domains.get(host) ?? 0) + 1);
          }
        }
      }
    }
  }
  console.log(`\n${keys.length} object(s) for ${actors} actor(s) in s3://${BUCKET}/:`);
  for (const key of keys) console.log(`  ${key}`);
  for (const key of manifests) console.log(`  ${key}  (run manifest)`);
  console.log('\nPosts per author:');
  for (const [handle, n] of [...perAuthor].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${handle}`);
  console.log('\nTop linked domains:');
  for (const [host, n] of [...domains].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${String(n).padStart(5)}  ${host}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
