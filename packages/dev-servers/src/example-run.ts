import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AppView } from './appview/server.js';
import type { S3Server } from './s3/start-s3.js';

export interface ExampleRunOptions {
  /** The workspace root: where etl.config.ts and node_modules/@etl/cli live. */
  readonly root: string;
  readonly appView: AppView;
  readonly s3: S3Server;
  readonly bucket: string;
  /** AT-URI of the starter pack whose members' feeds the example fetches. */
  readonly starterPack: string;
  readonly args?: readonly string[];
  /** 'inherit' shows the CLI's own progress (listr2 on a terminal). */
  readonly stdio: 'inherit' | 'pipe';
}

/** The environment that points the root example config at the loopback servers instead of Bluesky and AWS. */
export function exampleEnv(options: Pick<ExampleRunOptions, 'appView' | 's3' | 'bucket' | 'starterPack'>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ATPROTO_SERVICE: options.appView.url,
    S3_ENDPOINT: options.s3.endpoint,
    AWS_REGION: options.s3.region,
    AWS_ACCESS_KEY_ID: options.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.s3.credentials.secretAccessKey,
    ETL_BUCKET: options.bucket,
    ETL_STARTER_PACK: options.starterPack,
    // The AWS SDK warns on Node 20 although it works; the demo's output should show the run, not that.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Runs the real `etl` binary on the root example config, through the normal `etl run` code path. */
export function runExample(options: ExampleRunOptions): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = join(options.root, 'node_modules/@etl/cli/bin/etl.js');
  const args = [bin, 'run', '--config', join(options.root, 'etl.config.ts'), ...(options.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.root, env: exampleEnv(options), stdio: ['ignore', options.stdio, options.stdio] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
