import { defineSource } from '@etl/core';
import type { OptionsOf, SourceInstance } from '@etl/core';
import { authOption, checkServiceWithAuth, limitOption, pacingOption, retryAt429Option, serviceOption, timeoutMsOption } from './options/common-options.js';
import type { ListItemView } from './list-pager.js';
import { LIST, parseRecordPartition } from './partitions/record-partition.js';

export type { ListItemView } from './list-pager.js';

export const listMembersOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    service: { ...serviceOption, description: 'Base URL of the AppView that serves app.bsky.graph.getList. Not used with `auth`.' },
    limit: limitOption('List items'),
    timeoutMs: timeoutMsOption,
    pacing: pacingOption,
    retryAt429: retryAt429Option,
    auth: authOption,
  },
} as const;

export type ListMembersOptions = OptionsOf<typeof listMembersOptionsSchema>;

/**
 * The members of a list (partition = its AT-URI, `at://<did>/app.bsky.graph.list/<rkey>`, or its bsky.app
 * URL) from `app.bsky.graph.getList`, newest first: one record per `ListItemView` (`uri` of the listitem record,
 * `subject` the member's ProfileView).
 */
export const atprotoListMembers = defineSource({
  name: 'atproto.listMembers',
  options: listMembersOptionsSchema,
  check: (options: ListMembersOptions) => checkServiceWithAuth(options),
  checkPartition: (partition) => {
    const parsed = parseRecordPartition(partition, LIST);
    return 'problem' in parsed ? parsed.problem : undefined;
  },
  // Only a run creates instances: the instance module brings @atproto/api (~0.3 s to import), which
  // `etl validate` and `etl list` never need.
  create: async (options: ListMembersOptions): Promise<SourceInstance<ListItemView>> =>
    (await import('./list-members-instance.js')).createListMembersSource(options),
});
