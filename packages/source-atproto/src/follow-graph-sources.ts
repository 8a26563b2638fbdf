import type { AppBskyActorDefs } from '@atproto/api';
import { defineSource } from '@etl/core';
import type { OptionsOf, SourceInstance } from '@etl/core';
import { checkActorIdentifier } from './identity/actor-identifier.js';
import {
  authOption,
  checkServiceWithAuth,
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
  // Only a run creates instances: the instance module brings @atproto/api (~0.3 s to import), which
  // `etl validate` and `etl list` never need.
  create: async (options: FollowGraphOptions): Promise<SourceInstance<ProfileView>> =>
    (await import('./follow-graph-instance.js')).createFollowGraphSource('followers', options),
});

/** The accounts an actor follows (partition = handle or DID), from `app.bsky.graph.getFollows`: one `ProfileView` each. */
export const atprotoFollows = defineSource({
  name: 'atproto.follows',
  options: followGraphOptionsSchema,
  check: (options: FollowGraphOptions) => checkServiceWithAuth(options),
  checkPartition: (partition) => checkActorIdentifier(partition),
  create: async (options: FollowGraphOptions): Promise<SourceInstance<ProfileView>> =>
    (await import('./follow-graph-instance.js')).createFollowGraphSource('follows', options),
});
