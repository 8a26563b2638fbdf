import type { Params, Server } from '@atproto/xrpc-server';
import { MalformedCursorError } from './keyset-page.js';
import { isErrorAnswer, visibleActor } from './actor-errors.js';
import type { ErrorAnswer } from './actor-errors.js';
import { accessAuth } from './bearer-auth.js';
import type { DatasetIndex } from './dataset-index.js';
import type { SyntheticRecord } from './graph-dataset.js';
import type { SessionTokens } from './session-tokens.js';
import { listItemView, listView, profileView, starterPackView } from './graph-views.js';
import { keysetPage } from './keyset-page.js';
import { json, limitParam, stringParam } from './xrpc-params.js';

const MALFORMED_CURSOR: ErrorAnswer = { status: 400, error: 'InvalidRequest', message: 'Malformed cursor' };

/** Lists, starter packs and the follow graph, paged newest first like the real AppView. */
export function addGraphMethods(server: Server, index: DatasetIndex, tokens: SessionTokens): void {
  const auth = accessAuth(tokens, false);

  server.method('app.bsky.graph.getList', {
    auth,
    handler: ({ params, auth: viewer }) => {
      const list = index.listByUri(stringParam(params, 'list') ?? '');
      if (list === undefined) return { status: 400, error: 'InvalidRequest', message: 'List not found' };
      const viewerDid = viewer.credentials?.did;
      return paged(list.items, params, (item) => item, (items, cursor) => ({
        list: listView(index, list, viewerDid),
        items: items.map((item) => listItemView(index, item, viewerDid)),
        ...(cursor === undefined ? {} : { cursor }),
      }));
    },
  });

  server.method('app.bsky.graph.getStarterPack', {
    auth,
    handler: ({ params, auth: viewer }) => {
      const pack = index.starterPackByUri(stringParam(params, 'starterPack') ?? '');
      if (pack === undefined) return { status: 400, error: 'InvalidRequest', message: 'Starter pack not found' };
      return json({ starterPack: starterPackView(index, pack, viewer.credentials?.did) });
    },
  });

  for (const [nsid, key, edges] of [
    ['app.bsky.graph.getFollowers', 'followers', (did: string) => index.followsOf(did).map((follow) => ({ follow, other: follow.authorDid }))],
    ['app.bsky.graph.getFollows', 'follows', (did: string) => index.followsBy(did).map((follow) => ({ follow, other: follow.value.subject }))],
  ] as const) {
    server.method(nsid, {
      auth,
      handler: ({ params, auth: viewer }) => {
        const subject = visibleActor(index, stringParam(params, 'actor'));
        if (isErrorAnswer(subject)) return subject;
        const viewerDid = viewer.credentials?.did;
        // Accounts that are no longer active drop out of other people's graphs, as on the real network.
        const visible = edges(subject.did).flatMap(({ follow, other }) => {
          const actor = index.actorByDid(other);
          return actor === undefined || actor.status !== undefined ? [] : [{ follow, actor }];
        });
        return paged(visible, params, ({ follow }) => follow, (page, cursor) => ({
          subject: profileView(index, subject, viewerDid),
          [key]: page.map(({ actor }) => profileView(index, actor, viewerDid)),
          ...(cursor === undefined ? {} : { cursor }),
        }));
      },
    });
  }
}

/**
 * Pages items (newest first) by the time and key of the record behind each; the body is built from the page
 * and the cursor of the next one. The lexicons of these methods default `limit` to 50.
 */
function paged<T, B>(
  items: readonly T[],
  params: Params,
  recordOf: (item: T) => SyntheticRecord<object>,
  body: (page: readonly T[], cursor: string | undefined) => B,
) {
  try {
    const { items: page, cursor } = keysetPage(
      items,
      { limit: limitParam(params, 50), cursor: stringParam(params, 'cursor') },
      (item) => ({ ms: recordOf(item).createdMs, key: recordOf(item).rkey }),
    );
    return json(body(page, cursor));
  } catch (error) {
    if (error instanceof MalformedCursorError) return MALFORMED_CURSOR;
    throw error;
  }
}
