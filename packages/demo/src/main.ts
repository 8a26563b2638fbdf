import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HELP = `etl-demo: try etl offline, with no account and no cloud.

Usage:
  etl-demo [--config FILE] [--data DIR]   run the example pipeline against the demo servers, then a DuckDB report
  etl-demo servers [--data DIR]           start only the demo servers and print the environment a config needs

Options:
  --config FILE   the pipeline config to run (default: the example pipeline shipped with this package)
  --data DIR      where the S3 server's files, the run state and the report go (default: ./demo-data)
  -h, --help      this help

The servers: a lexicon-validating AT Protocol AppView serving 20 synthetic .test accounts and a starter
pack of all of them, and an S3-compatible server (s3rver), both on free loopback ports.`;

/** The example pipeline: copied into the package when it is packed; in the repository, the root one. */
function exampleConfig(): string {
  const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
  const packed = join(packageRoot, 'example/etl.config.ts');
  return existsSync(packed) ? packed : join(packageRoot, '../../etl.config.ts');
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`etl-demo: ${(error as Error).message}\nRun 'etl-demo --help' for usage.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (rest.length > 0 || (command !== undefined && command !== 'servers')) {
    console.error(`etl-demo: unknown command '${positionals.join(' ')}' (expected nothing or 'servers')\nRun 'etl-demo --help' for usage.`);
    return 2;
  }
  if (command === 'servers' && values.config !== undefined) {
    console.error("etl-demo: --config applies to the demo run, not to 'servers'");
    return 2;
  }
  // The AWS SDK warns on Node 20 although it works; the demo's output should show the run, not that.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = resolve(values.data ?? 'demo-data');
  if (command === 'servers') return serve(dataDir);

  const configFile = values.config === undefined ? exampleConfig() : resolve(values.config);
  if (!existsSync(configFile)) {
    console.error(`etl-demo: --config ${values.config}: no such file`);
    return 2;
  }
  // The servers, the CLI and DuckDB load only now: --help and usage errors answer at once.
  const { runDemo } = await import('./run-demo.js');
  const { code } = await runDemo({ configFile, dataDir, log: (line) => console.log(line) });
  return code;
}

/** Starts the servers, prints `export NAME=value` lines (one per variable) and waits for Ctrl-C. */
async function serve(dataDir: string): Promise<number> {
  const { startDemoServers } = await import('./demo-servers.js');
  const servers = await startDemoServers(dataDir);
  console.log(`# etl demo servers: ${servers.accounts} synthetic accounts at ${servers.appView.url}, S3 at ${servers.s3.endpoint} (files under ${join(dataDir, 's3')})`);
  console.log('# Paste these into another shell (or a .env file without "export "), then run etl there:');
  for (const [name, value] of Object.entries(servers.env)) console.log(`export ${name}=${value}`);
  console.log('# Running; Ctrl-C stops both servers.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await servers.close();
  return 0;
}
