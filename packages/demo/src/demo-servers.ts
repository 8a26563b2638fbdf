import { join } from 'node:path';
import { startAppView, startS3, type AppView, type S3Server } from '@etl/dev-servers';
import { demoDataset, demoStarterPack } from './demo-dataset.js';

export const DEMO_BUCKET = 'raw';

export interface DemoServers {
  readonly appView: AppView;
  readonly s3: S3Server;
  readonly starterPack: string;
  readonly accounts: number;
  /**
   * What a config needs to use these servers instead of Bluesky and AWS: the variables the example
   * config and `etl init`'s config read, and the AWS SDK's own.
   */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * The synthetic AT Protocol AppView (20 generated `.test` accounts and a starter pack of all of them) and
 * an S3-compatible server (s3rver, objects as files under `dataDir/s3`), both on free loopback ports.
 */
export async function startDemoServers(dataDir: string): Promise<DemoServers> {
  const dataset = demoDataset();
  const starterPack = demoStarterPack(dataset);
  // A realistic limit (the PDS's documented 3000 requests / 5 min per IP); the demo stays well under it.
  const appView = await startAppView({ dataset, rateLimit: { points: 3000, durationMs: 300_000 } });
  const s3 = await startS3({ directory: join(dataDir, 's3'), buckets: [DEMO_BUCKET] }).catch(async (error: unknown) => {
    await appView.close();
    throw error;
  });
  return {
    appView,
    s3,
    starterPack,
    accounts: dataset.actors.length,
    env: {
      ATPROTO_SERVICE: appView.url,
      ETL_STARTER_PACK: starterPack,
      S3_ENDPOINT: s3.endpoint,
      ETL_BUCKET: DEMO_BUCKET,
      AWS_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    },
    close: async () => {
      await Promise.all([appView.close(), s3.close()]);
    },
  };
}
