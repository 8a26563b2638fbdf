import { UsageError } from '@etl/core/host';

/** Connection options both ioredis and BullMQ accept. */
export interface RedisSettings {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  readonly tls?: Record<string, never>;
  readonly maxRetriesPerRequest: null;
  readonly retryStrategy: (times: number) => number;
}

/**
 * Connection options from a `redis://[user:password@]host:port[/db]` (or `rediss://`) URL. BullMQ needs
 * `maxRetriesPerRequest: null` on the connections of its workers, so commands wait out a Redis restart
 * instead of failing the job that issued them.
 */
export function redisOptions(url: string): RedisSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${JSON.stringify(url)} is not a URL; expected redis://host:port`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--queue ${JSON.stringify(url)}: expected a redis:// or rediss:// URL, found ${parsed.protocol}`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue ${JSON.stringify(url)}: the database number must be a whole number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect quickly after a restart, but never hammer a Redis that is down.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  };
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
