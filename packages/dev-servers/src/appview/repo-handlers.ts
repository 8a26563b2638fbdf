import type { Server } from '@atproto/xrpc-server';
import type { DatasetIndex } from './dataset-index.js';
import { json, limitParam, stringParam } from './xrpc-params.js';

/**
 * com.atproto.repo.listRecords, as each actor's PDS serves it (the fixture is every actor's PDS): records of
 * one collection by record key, newest (highest) first unless `reverse`; the cursor is the last key served,
 * so the last partial page still carries one and the page after it is empty.
 */
export function addRepoMethods(server: Server, index: DatasetIndex): void {
  server.method('com.atproto.repo.listRecords', ({ params }) => {
    const repo = stringParam(params, 'repo') ?? '';
    const actor = index.findActor(repo);
    if (actor === undefined) return { status: 400, error: 'InvalidRequest', message: `Could not find repo: ${repo}` };
    if (actor.status === 'deactivated') return { status: 400, error: 'RepoDeactivated', message: `Repo has been deactivated: ${actor.did}` };
    if (actor.status === 'takendown') return { status: 400, error: 'RepoTakendown', message: `Repo has been takendown: ${actor.did}` };

    const reverse = params['reverse'] === true;
    const cursor = stringParam(params, 'cursor');
    const ordered = index.records(actor.did, stringParam(params, 'collection') ?? '');
    const sorted = reverse ? ordered : [...ordered].reverse();
    const after = cursor === undefined ? sorted : sorted.filter((record) => (reverse ? record.rkey > cursor : record.rkey < cursor));
    const page = after.slice(0, limitParam(params, 50));
    const last = page.at(-1);
    return json({
      records: page.map((record) => ({ uri: record.uri, cid: record.cid, value: record.value })),
      ...(last === undefined ? {} : { cursor: last.rkey }),
    });
  });
}
