import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runCli } from '@etl/cli';
import { getObject, listKeys } from '@etl/dev-servers';
import { demoReport, type DemoReport } from './demo-report.js';
import { DEMO_BUCKET, startDemoServers } from './demo-servers.js';

export interface RunDemoOptions {
  /** The pipeline config to run (default: the example pipeline shipped with this package). */
  readonly configFile: string;
  /** Emptied, then holds the S3 server's files, the run state, the downloaded objects and report.json. */
  readonly dataDir: string;
  readonly log: (line: string) => void;
}

/**
 * The example pipeline end to end on this machine, with no account and no cloud: starts the demo servers,
 * runs the config through the normal `etl run` (starter pack → member feeds, listr2 progress on a
 * terminal), then reports on what landed with DuckDB. Returns `etl run`'s exit code.
 */
export async function runDemo(options: RunDemoOptions): Promise<{ code: number; report?: DemoReport }> {
  const out = resolve(options.dataDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 's3'), { recursive: true });
  const servers = await startDemoServers(out);
  try {
    const { log } = options;
    log(`AT Protocol AppView (synthetic: ${servers.accounts} accounts, starter pack ${servers.starterPack}): ${servers.appView.url}`);
    log(`S3-compatible server (s3rver): ${servers.s3.endpoint}, bucket '${DEMO_BUCKET}', files under ${join(out, 's3')}\n`);

    // The config reads these when it loads; the AWS SDK reads its credentials from them.
    Object.assign(process.env, servers.env);
    // A config beside the data that re-exports the chosen one: the run's state (.etl/) lands beside the
    // data too, never inside an installed package.
    const entry = join(out, 'etl.config.mjs');
    await writeFile(entry, `// Written by etl-demo: runs ${resolve(options.configFile)} with its state here.\nexport { default } from ${JSON.stringify(resolve(options.configFile))};\n`);
    const code = await runCli(['run', '--config', entry]);
    if (code !== 0) return { code };

    // DuckDB reads local files here (its S3 extension cannot be downloaded offline): fetch the objects first.
    const keys = await listKeys(servers.s3, DEMO_BUCKET);
    const local = join(out, 'objects');
    const files = { members: [] as string[], feeds: [] as string[] };
    for (const key of keys.filter((k) => k.startsWith('atproto/'))) {
      const file = join(local, key);
      await mkdir(resolve(file, '..'), { recursive: true });
      await writeFile(file, await getObject(servers.s3, DEMO_BUCKET, key));
      (key.startsWith('atproto/starterPackMembers/') ? files.members : files.feeds).push(file);
    }
    const report = await demoReport(files.members, files.feeds);
    await writeFile(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

    log(`\n${keys.length} object(s) in s3://${DEMO_BUCKET}/ (${keys.filter((k) => k.startsWith('_manifests/')).join(', ')} lists them)`);
    log(`Query them yourself: duckdb -c "SELECT post.author.handle, count(*) FROM read_ndjson('${join(local, 'atproto/authorFeeds/*/*.jsonl')}') GROUP BY 1"`);
    log(`\nStarter pack members: ${report.members}; posts in their feeds: ${report.posts}`);
    log('\nPosts per author (DuckDB):');
    for (const row of report.postsPerAuthor) log(`  ${String(row.posts).padStart(5)}  ${row.author}`);
    log('\nTop linked domains (DuckDB):');
    for (const row of report.topDomains) log(`  ${String(row.links).padStart(5)}  ${row.domain}`);
    return { code: 0, report };
  } finally {
    await servers.close();
  }
}
