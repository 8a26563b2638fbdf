import { defineSource, type SourcePage } from '@etl/core';
import { fetchJson } from './fetch-json.js';
import { HttpJsonError, isRetryableHttpError } from './http-json-error.js';
import { resolvePointer } from './json-pointer.js';
import { nextLink } from './link-header.js';
import { httpJsonOptionsSchema } from './options.js';

function pageUrl(template: string, partition: string): string {
  return template.replaceAll('{partition}', encodeURIComponent(partition));
}

/** A source paging a JSON HTTP API: records at a JSON pointer, the next page by a cursor in the body or a Link header. */
export const httpJsonSource = defineSource({
  name: 'example.httpJson',
  options: httpJsonOptionsSchema,
  check: (options) => {
    try {
      new URL(pageUrl(options.url, 'p'));
      return [];
    } catch {
      return [{ path: 'url', message: `not an absolute URL: ${JSON.stringify(options.url)}` }];
    }
  },
  create: (options) => {
    const headers = { ...options.headers, ...options.secretHeaders };
    const timeoutMs = options.timeoutMs ?? 30000;
    const { pagination } = options;
    return {
      async fetchPage({ partition, cursor, signal }): Promise<SourcePage<unknown>> {
        const first = pageUrl(options.url, partition);
        let url = first;
        if (cursor !== undefined && pagination.type === 'cursor') {
          const withCursor = new URL(first);
          withCursor.searchParams.set(pagination.cursorParam, cursor);
          url = withCursor.toString();
        } else if (cursor !== undefined) {
          url = cursor; // link pagination: the cursor is the next page's URL
        }
        const { body, link } = await fetchJson(url, headers, signal, timeoutMs);
        const records = resolvePointer(body, options.recordsPointer);
        if (!Array.isArray(records)) {
          throw new HttpJsonError('HTTP_BAD_RESPONSE', `the response has no array at ${JSON.stringify(options.recordsPointer)}`);
        }
        let next: string | undefined;
        if (pagination.type === 'cursor') {
          const value = resolvePointer(body, pagination.cursorPointer);
          next = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
        } else {
          next = nextLink(link, url);
        }
        return { records, cursor: next === '' ? undefined : next };
      },
      isRetryable: isRetryableHttpError,
    };
  },
});
