import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { SourceInstance } from '@etl/core';
import { generateDataset, startAppView } from '@etl/dev-servers';
import type { AppView, AppViewFaults, Dataset } from '@etl/dev-servers';
import type { FeedViewPost } from '../author-feed-source.js';
import { atprotoAuthorFeed } from '../author-feed-source.js';
import type { AuthorFeedOptions } from '../options/author-feed-options.js';

/** Actors with 250, 0 and 1 posts. */
export const dataset: Dataset = generateDataset({ seed: 2024, postsPerActor: [250, 0, 1] });

export async function startFixture(faults?: AppViewFaults): Promise<AppView> {
  return startAppView({ dataset, ...(faults ? { faults } : {}) });
}

export async function createSource(options: AuthorFeedOptions): Promise<SourceInstance<FeedViewPost>> {
  return atprotoAuthorFeed.definition.create(options);
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Drives the core's paging loop by hand: stop on a missing cursor or an empty page. */
export async function readPartition(
  source: SourceInstance<FeedViewPost>,
  partition: string,
): Promise<{ pages: number[]; records: FeedViewPost[] }> {
  const pages: number[] = [];
  const records: FeedViewPost[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await source.fetchPage({ pipeline: 'test', partition, resolved: undefined, cursor, signal: new AbortController().signal, report: () => undefined });
    pages.push(page.records.length);
    records.push(...page.records);
    if (page.cursor === undefined || page.records.length === 0) return { pages, records };
    cursor = page.cursor;
  }
}

export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}
