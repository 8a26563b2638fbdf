import type { FetchPageRequest, ResolvePartitionRequest, SourceInstance } from '@etl/core';
import { AtprotoClient } from './client/atproto-client.js';
import type { CallContext } from './client/atproto-client.js';
import { AtprotoCallError } from './errors/atproto-call-error.js';
import { isRetryableAtprotoError } from './errors/atproto-errors.js';
import { forRecord } from './errors/missing-record.js';
import { retryDelayMs } from './errors/retry-delay.js';
import { HandleResolver } from './identity/handle-resolver.js';
import { ListPager } from './list-pager.js';
import type { ListItemView } from './list-pager.js';
import { clientSettingsOf } from './options/common-options.js';
import { parseRecordPartition, recordUri, STARTER_PACK } from './partitions/record-partition.js';
import { starterPackMembersOptionsSchema } from './starter-pack-members-source.js';
import type { StarterPackMembersOptions } from './starter-pack-members-source.js';
import type { PluginCheckContext } from '@etl/core';
import { checkService } from './client/check-service.js';

/** A live `atprotoStarterPackMembers` (see starter-pack-members-source.ts): loaded only when a run creates one. */
export function createStarterPackMembersSource(options: StarterPackMembersOptions): SourceInstance<ListItemView> {
  const { properties } = starterPackMembersOptionsSchema;
  const client = new AtprotoClient(clientSettingsOf(options));
  const handles = new HandleResolver(client);
  const lists = new ListPager(client, options.limit ?? properties.limit.default, handles);
  const retryAt429 = options.retryAt429 ?? properties.retryAt429.default;

  const found = new Map<string, Promise<string>>();
  const listOf = (partition: string, context: CallContext): Promise<string> => {
    let list = found.get(partition);
    if (!list) {
      list = findList(partition, context);
      found.set(partition, list);
      list.catch(() => found.delete(partition));
    }
    return list;
  };
  const findList = async (partition: string, context: CallContext): Promise<string> => {
    const ref = parseRecordPartition(partition, STARTER_PACK);
    if ('problem' in ref) throw new RangeError(ref.problem);
    return forRecord(STARTER_PACK, partition, async () => {
      const uri = recordUri(await handles.did(ref.authority, context), ref);
      const pack = await client.call('app.bsky.graph.getStarterPack', context, async (agent, signal) => {
        return (await agent.app.bsky.graph.getStarterPack({ starterPack: uri }, { signal })).data.starterPack;
      });
      const list = pack.list?.uri ?? (typeof pack.record['list'] === 'string' ? pack.record['list'] : undefined);
      if (list === undefined) {
        throw new AtprotoCallError('ATPROTO_NOT_FOUND', `starter pack ${uri} points at no list (its list may have been deleted)`, {
          method: 'app.bsky.graph.getStarterPack',
          service: client.origin,
        });
      }
      return list;
    });
  };

  return {
    check: (context: PluginCheckContext) => checkService(client, context),
    // The pack's list, found once per task: every page of the task reads that same list.
    resolvePartition: ({ partition, signal, report }: ResolvePartitionRequest) => listOf(partition, { signal, report }),
    fetchPage: async ({ partition, resolved, cursor, signal, report }: FetchPageRequest) => {
      const list = resolved ?? (await listOf(partition, { signal, report }));
      return lists.page(list, cursor, { signal, report });
    },
    isRetryable: isRetryableAtprotoError,
    retryDelayMs: (error, policyDelayMs) => retryDelayMs(retryAt429, error, policyDelayMs),
    sharedState: client.sharedState,
    close: () => client.close(),
  };
}
