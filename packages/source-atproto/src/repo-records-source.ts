import type { ComAtprotoRepoListRecords } from '@atproto/api';
import { isValidDid, isValidNsid } from '@atproto/syntax';
import { defineSource } from '@etl/core';
import type { OptionsOf, PluginProblem, SourceInstance } from '@etl/core';
import { actorSource } from './actor-source.js';
import { AtprotoClient } from './client/atproto-client.js';
import { checkActorIdentifier } from './identity/actor-identifier.js';
import { HandleResolver } from './identity/handle-resolver.js';
import { PdsResolver } from './identity/pds-resolver.js';
import { clientSettingsOf, limitOption, onMissingActorOption, pacingOption, retryAt429Option, serviceOption, timeoutMsOption } from './options/common-options.js';

/** A record as com.atproto.repo.listRecords returns it: `{ uri, cid, value }`, the value being the record itself. */
export type RepoRecord = ComAtprotoRepoListRecords.Record;

export const DEFAULT_PLC_DIRECTORY = 'https://plc.directory';

export const repoRecordsOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['collection'],
  properties: {
    collection: { type: 'string', minLength: 1, description: 'NSID of the collection to list, e.g. app.bsky.feed.post or app.bsky.graph.follow.' },
    reverse: { type: 'boolean', default: false, description: 'List oldest record key first (default: newest first).' },
    plcDirectory: {
      type: 'string',
      format: 'uri',
      default: DEFAULT_PLC_DIRECTORY,
      description: "The PLC directory that serves did:plc documents (whose #atproto_pds names the actor's PDS).",
    },
    service: { ...serviceOption, description: 'Base URL of the service that resolves handles (com.atproto.identity.resolveHandle).' },
    limit: limitOption('Records'),
    timeoutMs: timeoutMsOption,
    pacing: pacingOption,
    retryAt429: retryAt429Option,
    onMissingActor: onMissingActorOption,
  },
} as const;

export type RepoRecordsOptions = OptionsOf<typeof repoRecordsOptionsSchema>;

/**
 * The records of one collection of an actor's repo (partition = handle or DID), from
 * `com.atproto.repo.listRecords` on the actor's own PDS, found from its DID document (did:plc via the PLC
 * directory, did:web via https://<host>/.well-known/did.json), never the AppView. Public data: no session.
 */
export const atprotoRepoRecords = defineSource({
  name: 'atproto.repoRecords',
  options: repoRecordsOptionsSchema,
  check: (options: RepoRecordsOptions): PluginProblem[] =>
    isValidNsid(options.collection) ? [] : [{ path: 'collection', message: `"${options.collection}" is not an NSID (expected e.g. app.bsky.feed.post)` }],
  checkPartition: (partition) => {
    const problem = checkActorIdentifier(partition);
    if (problem) return problem;
    if (isValidDid(partition) && !/^did:(plc|web):/.test(partition)) return `"${partition}": only did:plc and did:web accounts have a repo`;
    return undefined;
  },
  create: (options: RepoRecordsOptions) => createRepoRecordsSource(options),
});

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
