import type { SourceInstance } from '@etl/core';
import { actorSource } from './actor-source.js';
import { AtprotoClient } from './client/atproto-client.js';
import { HandleResolver } from './identity/handle-resolver.js';
import { PdsResolver } from './identity/pds-resolver.js';
import { clientSettingsOf } from './options/common-options.js';
import { repoRecordsOptionsSchema } from './repo-records-source.js';
import type { RepoRecord, RepoRecordsOptions } from './repo-records-source.js';

/** A live `atprotoRepoRecords` (see repo-records-source.ts): loaded only when a run creates one. */
export function createRepoRecordsSource(options: RepoRecordsOptions): SourceInstance<RepoRecord> {
  const { properties } = repoRecordsOptionsSchema;
  const limit = options.limit ?? properties.limit.default;
  const reverse = options.reverse ?? properties.reverse.default;
  // listRecords is public: the repo's own PDS is called without credentials, so this source takes no auth.
  const client = new AtprotoClient(clientSettingsOf(options));
  const handles = new HandleResolver(client);
  const pdses = new PdsResolver(client, options.plcDirectory ?? properties.plcDirectory.default);

  return actorSource({
    client,
    handles,
    onMissingActor: options.onMissingActor ?? properties.onMissingActor.default,
    retryAt429: options.retryAt429 ?? properties.retryAt429.default,
    // The PDS is found once per task, under the retry policy, before the first page.
    prepare: async (did, context) => {
      await pdses.pds(did, context);
    },
    page: async (actor, cursor, context) => {
      // Outside the core (no resolvePartition), `actor` may still be a handle: the PDS needs the DID.
      const did = await handles.did(actor, context);
      const pds = await pdses.pds(did, context);
      return client.callAt(pds, 'com.atproto.repo.listRecords', context, async (agent, signal) => {
        const { data } = await agent.com.atproto.repo.listRecords({ repo: did, collection: options.collection, limit, cursor, reverse }, { signal });
        return { records: data.records, cursor: data.cursor };
      });
    },
  });
}
