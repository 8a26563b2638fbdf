import type { AppView, AppViewFault } from '@etl/dev-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { isRetryableAtprotoError } from './atproto-errors.js';
import { closedPort, createSource, dataset, errorOf, startFixture } from '../test-support/feed-fixture.js';

const actor = dataset.actors[0]!.did;
const servers: AppView[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The error a real fetchPage raises when the fixture answers the first call with this fault. */
async function errorFor(fault: AppViewFault | undefined, partition = actor): Promise<unknown> {
  const server = await startFixture(({ n }) => (n === 1 ? fault : undefined));
  servers.push(server);
  const source = await createSource({ service: server.url });
  return errorOf(source.fetchPage({ pipeline: 't', partition, resolved: undefined, cursor: undefined, signal: new AbortController().signal, report: () => undefined }));
}

describe('isRetryableAtprotoError', () => {
  it.each<[string, AppViewFault]>([
    ['429 RateLimitExceeded', { status: 429, error: 'RateLimitExceeded', headers: { 'ratelimit-remaining': '0' } }],
    ['bare 502 from a proxy', { status: 502 }],
    ['502 UpstreamFailure', { status: 502, error: 'UpstreamFailure', message: 'upstream down' }],
    ['503 NotEnoughResources', { status: 503, error: 'NotEnoughResources' }],
    ['500 InternalServerError', { status: 500, error: 'InternalServerError' }],
    ['connection reset', { reset: true }],
  ])('retries %s', async (_name, fault) => {
    expect(isRetryableAtprotoError(await errorFor(fault))).toBe(true);
  });

  it.each<[string, AppViewFault]>([
    ['401 AuthenticationRequired', { status: 401, error: 'AuthenticationRequired' }],
    ['403 Forbidden', { status: 403, error: 'Forbidden' }],
    ['404', { status: 404, error: 'NotFound' }],
  ])('does not retry %s', async (_name, fault) => {
    expect(isRetryableAtprotoError(await errorFor(fault))).toBe(false);
  });

  it('does not retry an unknown actor (400 InvalidRequest)', async () => {
    const error = await errorFor(undefined, 'nobody.test');
    expect(error).toMatchObject({ status: 400, error: 'InvalidRequest' });
    expect(isRetryableAtprotoError(error)).toBe(false);
  });

  it('retries a refused connection', async () => {
    const source = await createSource({ service: `http://127.0.0.1:${await closedPort()}` });
    const error = await errorOf(source.fetchPage({ pipeline: 't', partition: actor, resolved: undefined, cursor: undefined, signal: new AbortController().signal, report: () => undefined }));
    expect(isRetryableAtprotoError(error)).toBe(true);
  });

  it('does not retry aborts or unrelated errors', () => {
    expect(isRetryableAtprotoError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isRetryableAtprotoError(new RangeError('a bug'))).toBe(false);
    expect(isRetryableAtprotoError(undefined)).toBe(false);
  });
});
