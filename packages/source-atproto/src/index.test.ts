import { describe, expect, it } from 'vitest';
import * as api from './index.js';

const sources = {
  'atproto.authorFeed': api.atprotoAuthorFeed,
  'atproto.listMembers': api.atprotoListMembers,
  'atproto.starterPackMembers': api.atprotoStarterPackMembers,
  'atproto.followers': api.atprotoFollowers,
  'atproto.follows': api.atprotoFollows,
  'atproto.repoRecords': api.atprotoRepoRecords,
  'atproto.searchPosts': api.atprotoSearchPosts,
};

/** Every property schema under `schema`, with its dotted path. */
function properties(schema: unknown, path = ''): [string, Record<string, unknown>][] {
  const node = schema as { properties?: Record<string, unknown>; anyOf?: unknown[] };
  const own = Object.entries(node.properties ?? {}).flatMap(([key, child]) => [
    [`${path}${key}`, child as Record<string, unknown>] as [string, Record<string, unknown>],
    ...properties(child, `${path}${key}.`),
  ]);
  return [...own, ...(node.anyOf ?? []).flatMap((branch) => properties(branch, path))];
}

describe('@etl/source-atproto', () => {
  it.each(Object.entries(sources))('declares %s with a closed schema whose every option is described', (name, factory) => {
    expect(factory.definition.name).toBe(name);
    expect(factory.definition.options.additionalProperties).toBe(false);
    const described = properties(factory.definition.options);
    expect(described.length).toBeGreaterThan(3);
    for (const [path, property] of described) expect([path, typeof property['description']]).toEqual([path, 'string']);
  });

  it('marks the app password secret, and only it', () => {
    for (const factory of Object.values(sources)) {
      const secrets = properties(factory.definition.options).filter(([, property]) => property['secret'] === true).map(([path]) => path);
      expect(secrets).toEqual('auth' in (factory.definition.options.properties as object) ? ['auth.password'] : []);
    }
  });

  it('keeps the author feed options of before', () => {
    expect(Object.keys(api.authorFeedOptionsSchema.properties)).toEqual(
      expect.arrayContaining(['service', 'limit', 'filter', 'includePins', 'timeoutMs']),
    );
    expect(api.atprotoAuthorFeed({ service: 'https://public.api.bsky.app', limit: 100 }).options).toEqual({ service: 'https://public.api.bsky.app', limit: 100 });
  });
});
