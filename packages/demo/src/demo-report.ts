import { DuckDBInstance } from '@duckdb/node-api';

export interface DemoReport {
  readonly members: number;
  readonly posts: number;
  readonly postsPerAuthor: readonly { readonly author: string; readonly posts: number }[];
  readonly topDomains: readonly { readonly domain: string; readonly links: number }[];
}

const sqlList = (files: readonly string[]) => `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;

/**
 * What an analyst would ask first, computed by DuckDB straight from the NDJSON objects the run wrote (as the
 * seed's dbt models do): members in the pack, posts per author, the most linked domains.
 */
export async function demoReport(memberFiles: readonly string[], feedFiles: readonly string[]): Promise<DemoReport> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
  try {
    // union_by_name + a full sample: feeds differ in which optional fields (facets, reply) they carry.
    const feeds = `read_ndjson(${sqlList(feedFiles)}, union_by_name = true, sample_size = -1)`;
    const [members] = await query(`SELECT count(*)::INTEGER AS n FROM read_ndjson(${sqlList(memberFiles)}, union_by_name = true)`);
    const [posts] = await query(`SELECT count(*)::INTEGER AS n FROM ${feeds}`);
    const perAuthor = await query(`
      SELECT post.author.handle AS author, count(*)::INTEGER AS posts
      FROM ${feeds} GROUP BY 1 ORDER BY posts DESC, author`);
    const domains = await query(`
      WITH facets AS (SELECT unnest(post.record.facets) AS facet FROM ${feeds}),
           features AS (SELECT unnest(facet.features) AS feature FROM facets)
      SELECT regexp_extract(feature.uri, '^https?://([^/:]+)', 1) AS domain, count(*)::INTEGER AS links
      FROM features WHERE feature.uri IS NOT NULL
      GROUP BY 1 ORDER BY links DESC, domain LIMIT 5`);
    return {
      members: Number(members?.n ?? 0),
      posts: Number(posts?.n ?? 0),
      postsPerAuthor: perAuthor.map((r) => ({ author: String(r.author), posts: Number(r.posts) })),
      topDomains: domains.map((r) => ({ domain: String(r.domain), links: Number(r.links) })),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
