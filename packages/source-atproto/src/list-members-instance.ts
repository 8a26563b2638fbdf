import type { FetchPageRequest, ResolvePartitionRequest, SourceInstance } from '@etl/core';
import { AtprotoClient } from './client/atproto-client.js';
import { isRetryableAtprotoError } from './errors/atproto-errors.js';
import { retryDelayMs } from './errors/retry-delay.js';
import { HandleResolver } from './identity/handle-resolver.js';
import { listMembersOptionsSchema } from './list-members-source.js';
import type { ListMembersOptions } from './list-members-source.js';
import { ListPager } from './list-pager.js';
import type { ListItemView } from './list-pager.js';
import { clientSettingsOf } from './options/common-options.js';
import type { PluginCheckContext } from '@etl/core';
import { checkService } from './client/check-service.js';

/** A live `atprotoListMembers` (see list-members-source.ts): loaded only when a run creates one. */
export function createListMembersSource(options: ListMembersOptions): SourceInstance<ListItemView> {
  const { properties } = listMembersOptionsSchema;
  const client = new AtprotoClient(clientSettingsOf(options));
  const lists = new ListPager(client, options.limit ?? properties.limit.default, new HandleResolver(client));
  const retryAt429 = options.retryAt429 ?? properties.retryAt429.default;
  return {
    check: (context: PluginCheckContext) => checkService(client, context),
    // The list's URI with its owner's DID: a handle in the partition is resolved once, and getList wants the DID.
    resolvePartition: ({ partition, signal, report }: ResolvePartitionRequest) => lists.resolve(partition, { signal, report }),
    fetchPage: ({ partition, resolved, cursor, signal, report }: FetchPageRequest) =>
      lists.page(resolved ?? partition, cursor, { signal, report }),
    isRetryable: isRetryableAtprotoError,
    retryDelayMs: (error, policyDelayMs) => retryDelayMs(retryAt429, error, policyDelayMs),
    sharedState: client.sharedState,
    close: () => client.close(),
  };
}
