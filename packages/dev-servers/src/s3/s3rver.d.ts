// s3rver 3.7.1 ships no types; this declares only the part of its API that start-s3.ts uses.
declare module 's3rver' {
  interface S3rverOptions {
    directory?: string;
    silent?: boolean;
    configureBuckets?: ReadonlyArray<{ name: string }>;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the buckets listed in `configureBuckets` (which `run()` would otherwise do). */
    configureBuckets(): Promise<unknown>;
    /** The Koa request handler, to mount behind our own HTTP server. */
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
    logger: { close(): void };
  }

  export = S3rver;
}
