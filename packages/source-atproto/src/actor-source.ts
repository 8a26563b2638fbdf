import { isValidDid } from './identity/atproto-syntax.js';
import type { FetchPageRequest, ResolvePartitionRequest, SourceInstance, SourcePage } from '@etl/core';
import type { AtprotoClient, CallContext } from './client/atproto-client.js';
import { isRetryableAtprotoError } from './errors/atproto-errors.js';
import { forActor } from './errors/missing-actor.js';
import type { OnMissingActor } from './errors/missing-actor.js';
import { retryDelayMs } from './errors/retry-delay.js';
import type { RetryAt429 } from './errors/retry-delay.js';
import { HandleResolver } from './identity/handle-resolver.js';
import { checkService } from './client/check-service.js';

export interface ActorSourceParts<R> {
  readonly client: AtprotoClient;
  /** The instance's handle cache, when the source needs it for its own calls too. */
  readonly handles?: HandleResolver;
  readonly onMissingActor: OnMissingActor;
  readonly retryAt429: RetryAt429;
  /**
   * One page for an actor. `actor` is the DID when the partition was resolved (always, under the core),
   * else the partition as written: AppView methods take a handle as well.
   */
  page(actor: string, cursor: string | undefined, context: CallContext): Promise<SourcePage<R>>;
  /** Work to do once per task with the DID, under the retry policy (e.g. finding the actor's PDS). */
  prepare?(did: string, context: CallContext): Promise<void>;
}

/**
 * The shape every actor source shares: `resolvePartition` turns a handle into its DID once per run (and
 * reports it), pages go out with the DID, and missing actors fail or skip the task as `onMissingActor` says.
 */
export function actorSource<R>(parts: ActorSourceParts<R>): SourceInstance<R> {
  const handles = parts.handles ?? new HandleResolver(parts.client);
  return {
    async resolvePartition({ partition, signal, report }: ResolvePartitionRequest): Promise<string | undefined> {
      return forActor(partition, parts.onMissingActor, async () => {
        const did = await handles.did(partition, { signal, report });
        await parts.prepare?.(did, { signal, report });
        // A DID partition resolves to itself: nothing new to report.
        return isValidDid(partition) ? undefined : did;
      });
    },
    async fetchPage({ partition, resolved, cursor, signal, report }: FetchPageRequest): Promise<SourcePage<R>> {
      return forActor(partition, parts.onMissingActor, () => parts.page(resolved ?? partition, cursor, { signal, report }));
    },
    isRetryable: isRetryableAtprotoError,
    retryDelayMs: (error, policyDelayMs) => retryDelayMs(parts.retryAt429, error, policyDelayMs),
    sharedState: parts.client.sharedState,
    close: () => parts.client.close(),
    check: (context) => checkService(parts.client, context),
  };
}
