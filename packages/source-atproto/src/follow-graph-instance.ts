import type { SourceInstance } from '@etl/core';
import { actorSource } from './actor-source.js';
import { AtprotoClient } from './client/atproto-client.js';
import { followGraphOptionsSchema } from './follow-graph-sources.js';
import type { FollowGraphOptions, ProfileView } from './follow-graph-sources.js';
import { clientSettingsOf } from './options/common-options.js';

/**
 * A live `atprotoFollowers` / `atprotoFollows` (see follow-graph-sources.ts): loaded only when a run
 * creates one, as it brings @atproto/api.
 */
export function createFollowGraphSource(direction: 'followers' | 'follows', options: FollowGraphOptions): SourceInstance<ProfileView> {
  const { properties } = followGraphOptionsSchema;
  const limit = options.limit ?? properties.limit.default;
  const client = new AtprotoClient(clientSettingsOf(options));
  return actorSource({
    client,
    onMissingActor: options.onMissingActor ?? properties.onMissingActor.default,
    retryAt429: options.retryAt429 ?? properties.retryAt429.default,
    page: (actor, cursor, context) =>
      direction === 'followers'
        ? client.call('app.bsky.graph.getFollowers', context, async (agent, signal) => {
            const { data } = await agent.app.bsky.graph.getFollowers({ actor, limit, cursor }, { signal });
            return { records: data.followers, cursor: data.cursor };
          })
        : client.call('app.bsky.graph.getFollows', context, async (agent, signal) => {
            const { data } = await agent.app.bsky.graph.getFollows({ actor, limit, cursor }, { signal });
            return { records: data.follows, cursor: data.cursor };
          }),
  });
}
