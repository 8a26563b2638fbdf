import { defineSource } from '@etl/core';
import type { OptionsOf, SourceInstance } from '@etl/core';
import type { ListItemView } from './list-pager.js';
import { authOption, checkServiceWithAuth, limitOption, pacingOption, retryAt429Option, serviceOption, timeoutMsOption } from './options/common-options.js';
import { parseRecordPartition, STARTER_PACK } from './partitions/record-partition.js';

export const starterPackMembersOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    service: { ...serviceOption, description: 'Base URL of the AppView that serves app.bsky.graph.getStarterPack and getList. Not used with `auth`.' },
    limit: limitOption('List items'),
    timeoutMs: timeoutMsOption,
    pacing: pacingOption,
    retryAt429: retryAt429Option,
    auth: authOption,
  },
} as const;

export type StarterPackMembersOptions = OptionsOf<typeof starterPackMembersOptionsSchema>;

/**
 * Everyone in a starter pack (partition = its AT-URI, `at://<did>/app.bsky.graph.starterpack/<rkey>`, or its
 * `https://bsky.app/starter-pack/<handle-or-did>/<rkey>` URL): `app.bsky.graph.getStarterPack` finds the list
 * the pack points at, then `app.bsky.graph.getList` pages it, one record per `ListItemView`. The list is found
 * once per task (reported as the partition's resolved value), so one task snapshots one whole list.
 */
export const atprotoStarterPackMembers = defineSource({
  name: 'atproto.starterPackMembers',
  options: starterPackMembersOptionsSchema,
  check: (options: StarterPackMembersOptions) => checkServiceWithAuth(options),
  checkPartition: (partition) => {
    const parsed = parseRecordPartition(partition, STARTER_PACK);
    return 'problem' in parsed ? parsed.problem : undefined;
  },
  // Only a run creates instances: the instance module brings @atproto/api (~0.3 s to import), which
  // `etl validate` and `etl list` never need.
  create: async (options: StarterPackMembersOptions): Promise<SourceInstance<ListItemView>> =>
    (await import('./starter-pack-members-instance.js')).createStarterPackMembersSource(options),
});
