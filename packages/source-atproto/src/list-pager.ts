import type { AppBskyGraphDefs } from '@atproto/api';
import type { SourcePage } from '@etl/core';
import type { AtprotoClient, CallContext } from './client/atproto-client.js';
import { forRecord } from './errors/missing-record.js';
import type { HandleResolver } from './identity/handle-resolver.js';
import { LIST, parseRecordPartition, recordUri } from './partitions/record-partition.js';

export type ListItemView = AppBskyGraphDefs.ListItemView;

/** Pages app.bsky.graph.getList; shared by the list and starter-pack sources. */
export class ListPager {
  constructor(
    private readonly client: AtprotoClient,
    private readonly limit: number,
    private readonly handles: HandleResolver,
  ) {}

  /** The list's AT-URI with a DID authority, or undefined when the partition already is one. */
  async resolve(partition: string, context: CallContext): Promise<string | undefined> {
    const uri = await this.canonicalUri(partition, context);
    return uri === partition ? undefined : uri;
  }

  async canonicalUri(partition: string, context: CallContext): Promise<string> {
    const ref = parseRecordPartition(partition, LIST);
    if ('problem' in ref) throw new RangeError(ref.problem);
    return recordUri(await forRecord(LIST, partition, () => this.handles.did(ref.authority, context)), ref);
  }

  async page(listUri: string, cursor: string | undefined, context: CallContext): Promise<SourcePage<ListItemView>> {
    const uri = listUri.startsWith('at://did:') ? listUri : await this.canonicalUri(listUri, context);
    return forRecord(LIST, uri, () =>
      this.client.call('app.bsky.graph.getList', context, async (agent, signal) => {
        const { data } = await agent.app.bsky.graph.getList({ list: uri, limit: this.limit, cursor }, { signal });
        return { records: data.items, cursor: data.cursor };
      }),
    );
  }
}
