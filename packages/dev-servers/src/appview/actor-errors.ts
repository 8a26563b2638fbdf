import type { SyntheticActor } from './dataset.js';
import type { DatasetIndex } from './dataset-index.js';

/** An XRPC error answer, as handlers return it. */
export interface ErrorAnswer {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

/** What the real AppView answers for an actor it does not know. */
export const PROFILE_NOT_FOUND: ErrorAnswer = { status: 400, error: 'InvalidRequest', message: 'Profile not found' };

/** The AppView's refusal to show a deactivated or taken-down account, or undefined for an active one. */
export function accountStatusError(actor: SyntheticActor): ErrorAnswer | undefined {
  switch (actor.status) {
    case 'deactivated':
      return { status: 400, error: 'AccountDeactivated', message: 'Account is deactivated' };
    case 'takendown':
      return { status: 400, error: 'AccountTakedown', message: 'Account has been suspended' };
    default:
      return undefined;
  }
}

/** getAuthorFeed's refusal when the viewer and the actor block each other one way or the other. */
export function blockError(index: DatasetIndex, actor: SyntheticActor, viewerDid: string | undefined): ErrorAnswer | undefined {
  if (viewerDid === undefined) return undefined;
  if (index.block(viewerDid, actor.did)) return { status: 400, error: 'BlockedActor', message: 'Requester has blocked actor' };
  if (index.block(actor.did, viewerDid)) return { status: 400, error: 'BlockedByActor', message: 'Requester is blocked by actor' };
  return undefined;
}

/** Looks an actor up and refuses unknown or unavailable accounts as the AppView does. */
export function visibleActor(index: DatasetIndex, actor: string | undefined): SyntheticActor | ErrorAnswer {
  const found = actor === undefined ? undefined : index.findActor(actor);
  if (found === undefined) return PROFILE_NOT_FOUND;
  return accountStatusError(found) ?? found;
}

export function isErrorAnswer(value: SyntheticActor | ErrorAnswer): value is ErrorAnswer {
  return 'error' in value;
}
