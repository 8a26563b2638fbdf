import { defineSource } from '@etl/core';
import type { FetchPageRequest, OptionsOf, ResolvePartitionRequest, SourceInstance } from '@etl/core';
import { AtprotoClient } from './client/atproto-client.js';
import { isRetryableAtprotoError } from './errors/atproto-errors.js';
import { retryDelayMs } from './errors/retry-delay.js';
import { HandleResolver } from './identity/handle-resolver.js';
import { authOption, checkServiceWithAuth, clientSettingsOf, limitOption, pacingOption, retryAt429Option, serviceOption, timeoutMsOption } from './options/common-options.js';
import { ListPager } from './list-pager.js';
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
  create: (options: ListMembersOptions) => createListMembersSource(options),
});

export function createListMembersSource(options: ListMembersOptions): SourceInstance<ListItemView> {
  const { properties } = listMembersOptionsSchema;
  const client = new AtprotoClient(clientSettingsOf(options));
  const lists = new ListPager(client, options.limit ?? properties.limit.default, new HandleResolver(client));
  const retryAt429 = options.retryAt429 ?? properties.retryAt429.default;
  return {
    // The list's URI with its owner's DID: a handle in the partition is resolved once, and getList wants the DID.
    resolvePartition: ({ partition, signal, report }: ResolvePartitionRequest) => lists.resolve(partition, { signal, report }),
    fetchPage: ({ partition, resolved, cursor, signal, report }: FetchPageRequest) =>
      lists.page(resolved ?? partition, cursor, { signal, report }),
    isRetryable: isRetryableAtprotoError,
    retryDelayMs: (error, policyDelayMs) => retryDelayMs(retryAt429, error, policyDelayMs),
    close: () => client.close(),
  };
}
