import type { Redis } from 'ioredis';

// A counting semaphore of expiring leases: a sorted set of lease ids scored by expiry (Redis server time,
// so the clocks of the machines do not matter). A lease that is not renewed expires, so a crashed holder
// frees its slot by itself.
const ACQUIRE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ttl = tonumber(ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  return 1
end
return 0`;

const RENEW = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ttl = tonumber(ARGV[2])
local expires = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expires and tonumber(expires) <= now then
  -- Expired: its slot may be taken already, so it cannot come back to life.
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
if expires then
  redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  return 1
end
return 0`;

export interface LeaseSettings {
  /** A lease not renewed for this long is free again. */
  readonly ttlMs: number;
}

export class LeaseSemaphore {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly limit: number,
    private readonly settings: LeaseSettings,
  ) {}

  async tryAcquire(leaseId: string): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key, String(this.limit), leaseId, String(this.settings.ttlMs))) === 1;
  }

  /** False when the lease had already expired (its slot may have gone to someone else). */
  async renew(leaseId: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key, leaseId, String(this.settings.ttlMs))) === 1;
  }

  async release(leaseId: string): Promise<void> {
    await this.redis.zrem(this.key, leaseId);
  }

  /** Leases held now (expired ones not counted). */
  async holders(): Promise<string[]> {
    const [seconds, micros] = await this.redis.time();
    return this.redis.zrangebyscore(this.key, Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), '+inf');
  }

  get ttlMs(): number {
    return this.settings.ttlMs;
  }
}
