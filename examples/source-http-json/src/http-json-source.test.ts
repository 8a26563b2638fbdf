import { isAbortError, type SourceInstance } from '@etl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpJsonSource } from './http-json-source.js';
import { closedPort, items, startJsonServer, type JsonServer } from './test-support/json-server.js';

let server: JsonServer;
beforeAll(async () => {
  server = await startJsonServer();
});
afterAll(async () => {
  await server.close();
});

type Options = Parameters<typeof httpJsonSource.definition.create>[0];
const cursorOptions = (): Options => ({
  url: `${server.url}/cursor/{partition}`,
  recordsPointer: '/data/a~1b',
  pagination: { type: 'cursor', cursorPointer: '/meta/next', cursorParam: 'after' },
});
const linkOptions = (): Options => ({ url: `${server.url}/link/{partition}`, recordsPointer: '/items', pagination: { type: 'link' } });

async function readAll(source: SourceInstance<unknown>, partition: string) {
  const records: unknown[] = [];
  const cursors: (string | undefined)[] = [];
  let cursor: string | undefined;
  do {
    const page = await source.fetchPage({ pipeline: 't', partition, resolved: undefined, cursor, signal: new AbortController().signal, report: () => undefined });
    records.push(...page.records);
    cursor = page.records.length > 0 ? page.cursor : undefined;
    cursors.push(cursor);
  } while (cursor !== undefined);
  return { records, cursors };
}

async function failure(source: SourceInstance<unknown>, partition: string, signal = new AbortController().signal): Promise<unknown> {
  return source.fetchPage({ pipeline: 't', partition, resolved: undefined, cursor: undefined, signal, report: () => undefined }).then(
    () => { throw new Error('expected a failure'); },
    (error: unknown) => error,
  );
}

describe('httpJsonSource', () => {
  it('pages by a cursor in the body, extracting records with an escaped JSON pointer', async () => {
    const { records, cursors } = await readAll(await httpJsonSource.definition.create(cursorOptions()), 'p7');
    expect(records).toEqual(items('p7'));
    expect(cursors).toEqual(['3', '6', undefined]);
    expect(server.requests.at(-1)?.url).toBe('/cursor/p7?after=6');
  });

  it('pages by the Link header rel="next", resolved against the request URL', async () => {
    const { records, cursors } = await readAll(await httpJsonSource.definition.create(linkOptions()), 'p8');
    expect(records).toEqual(items('p8'));
    expect(cursors).toEqual([`${server.url}/link/p8?page=1`, `${server.url}/link/p8?page=2`, undefined]);
  });

  it('percent-encodes the partition into the URL and sends headers and secret headers', async () => {
    const source = await httpJsonSource.definition.create({ ...cursorOptions(), headers: { 'x-team': 'a' }, secretHeaders: { authorization: 'Bearer t0k' } });
    await expect(failure(source, 'a/b c')).resolves.toMatchObject({ status: 404 });
    const last = server.requests.at(-1);
    expect(last?.url).toBe('/cursor/a%2Fb%20c');
    expect(last?.headers).toMatchObject({ 'x-team': 'a', authorization: 'Bearer t0k' });
  });

  it('classifies 429 and 5xx as retryable, 4xx and a non-JSON body as not, without the query in messages', async () => {
    const source = await httpJsonSource.definition.create({ ...linkOptions(), url: `${server.url}/status/{partition}?key=abc` });
    for (const [code, retryable] of [['429', true], ['503', true], ['500', true], ['404', false], ['400', false]] as const) {
      const error = await failure(source, code);
      expect(error).toMatchObject({ name: 'HttpJsonError', code: 'HTTP_STATUS', status: Number(code) });
      expect((error as Error).message).toBe(`GET ${server.url}/status/${code} answered ${code} ${code === '429' ? 'Too Many Requests' : code === '503' ? 'Service Unavailable' : code === '500' ? 'Internal Server Error' : code === '404' ? 'Not Found' : 'Bad Request'}`);
      expect(source.isRetryable?.(error)).toBe(retryable);
    }
    const garbage = await httpJsonSource.definition.create({ ...linkOptions(), url: `${server.url}/garbage/{partition}` });
    const error = await failure(garbage, 'x');
    expect(error).toMatchObject({ code: 'HTTP_BAD_RESPONSE' });
    expect(garbage.isRetryable?.(error)).toBe(false);
  });

  it('fails a slow request after timeoutMs, retryably; an abort is an abort and not retryable', async () => {
    const source = await httpJsonSource.definition.create({ ...linkOptions(), url: `${server.url}/slow/{partition}`, timeoutMs: 150 });
    const started = Date.now();
    const timedOut = await failure(source, 'x');
    expect(Date.now() - started).toBeLessThan(10_000); // the server would answer after 30 s; a loaded machine gets a wide margin
    expect(timedOut).toMatchObject({ code: 'HTTP_TIMEOUT', message: `GET ${server.url}/slow/x timed out after 150 ms` });
    expect(source.isRetryable?.(timedOut)).toBe(true);

    const slow = await httpJsonSource.definition.create({ ...linkOptions(), url: `${server.url}/slow/{partition}` });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await failure(slow, 'x', controller.signal);
    expect(isAbortError(aborted)).toBe(true);
    expect(slow.isRetryable?.(aborted)).toBe(false);
  });

  it('fails on a response without an array at the pointer, and a refused connection is retryable', async () => {
    const wrong = await httpJsonSource.definition.create({ ...cursorOptions(), recordsPointer: '/meta' });
    expect(await failure(wrong, 'p2')).toMatchObject({ code: 'HTTP_BAD_RESPONSE', message: 'the response has no array at "/meta"' });
    const port = await closedPort();
    const refused = await httpJsonSource.definition.create({ ...linkOptions(), url: `http://127.0.0.1:${port}/{partition}` });
    const error = await failure(refused, 'x');
    expect(error).toMatchObject({ code: 'HTTP_NETWORK', message: `GET http://127.0.0.1:${port}/x failed (ECONNREFUSED)` });
    expect(refused.isRetryable?.(error)).toBe(true);
  });
});
