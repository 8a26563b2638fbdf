import type { AppBskyActorDefs } from '@atproto/api';
import { defineSource } from '@etl/core';
import type { OptionsOf, SourceInstance } from '@etl/core';
import { actorSource } from './actor-source.js';
import { AtprotoClient } from './client/atproto-client.js';
import { checkActorIdentifier } from './identity/actor-identifier.js';
import {
  authOption,
  checkServiceWithAuth,
  clientSettingsOf,
  limitOption,
  onMissingActorOption,
  pacingOption,
  retryAt429Option,
  serviceOption,
  timeoutMsOption,
} from './options/common-options.js';

export type ProfileView = AppBskyActorDefs.ProfileView;

export const followGraphOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    service: { ...serviceOption, description: 'Base URL of the AppView that serves app.bsky.graph.getFollowers / getFollows. Not used with `auth`.' },
    limit: limitOption('Profiles'),
    timeoutMs: timeoutMsOption,
    pacing: pacingOption,
    retryAt429: retryAt429Option,
    onMissingActor: onMissingActorOption,
    auth: authOption,
  },
} as const;

export type FollowGraphOptions = OptionsOf<typeof followGraphOptionsSchema>;

/** The accounts following an actor (partition = handle or DID), from `app.bsky.graph.getFollowers`: one `ProfileView` each. */
export const atprotoFollowers = defineSource({
  name: 'atproto.followers',
  options: followGraphOptionsSchema,
  check: (options: FollowGraphOptions) => checkServiceWithAuth(options),
  checkPartition: (partition) => checkActorIdentifier(partition),
  create: (options: FollowGraphOptions) => createFollowGraphSource('followers', options),
});

/** The accounts an actor follows (partition = handle or DID), from `app.bsky.graph.getFollows`: one `ProfileView` each. */
export const atprotoFollows = defineSource({
  name: 'atproto.follows',
  options: followGraphOptionsSchema,
  check: (options: FollowGraphOptions) => checkServiceWithAuth(options),
  checkPartition: (partition) => checkActorIdentifier(partition),
  create: (options: FollowGraphOptions) => createFollowGraphSource('follows', options),
});

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
