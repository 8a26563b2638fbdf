import type { ComAtprotoRepoListRecords } from '@atproto/api';
import { isValidDid, isValidNsid } from './identity/atproto-syntax.js';
import { defineSource } from '@etl/core';
import type { OptionsOf, PluginProblem, SourceInstance } from '@etl/core';
import { checkActorIdentifier } from './identity/actor-identifier.js';
import { limitOption, onMissingActorOption, pacingOption, retryAt429Option, serviceOption, timeoutMsOption } from './options/common-options.js';

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
  // Only a run creates instances: the instance module brings @atproto/api (~0.3 s to import), which
  // `etl validate` and `etl list` never need.
  create: async (options: RepoRecordsOptions): Promise<SourceInstance<RepoRecord>> =>
    (await import('./repo-records-instance.js')).createRepoRecordsSource(options),
});
