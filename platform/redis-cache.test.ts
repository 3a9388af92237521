/**
 * Apollo's KeyValueCache over Redis (the router's APQ store), against the
 * test run's real redis-server: entries under the prefix with their TTL,
 * and, with Redis out of reach, misses and dropped writes instead of errors,
 * the outage logged once.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { freePort } from '../test/support/ports.ts';
import { testRedisPrefix, testRedisUrl } from '../test/support/redis.ts';
import { createLogger } from './logger.ts';
import { createRedisCache, type RedisCache } from './redis-cache.ts';

const logger = createLogger({ logLevel: 'silent' }, 'test');
const prefix = testRedisPrefix();
const caches: RedisCache[] = [];
/** The test's own connection, to look at what the caches wrote. */
let admin: Redis;

beforeAll(() => void (admin = new Redis(testRedisUrl())));

afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  // Leave nothing behind on a shared Redis (REDIS_URL).
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

async function cacheAt(url: string, log = logger, readyMs = 2_000): Promise<RedisCache> {
  const cache = createRedisCache(url, { name: 'test:cache', keyPrefix: prefix, logger: log });
  caches.push(cache);
  await cache.ready(readyMs);
  return cache;
}

test('stores under its prefix, with the TTL asked for, and reads back; a missing key is a miss', async () => {
  const cache = await cacheAt(testRedisUrl());
  await cache.set('apq:one', '{ __typename }', { ttl: 120 });
  await cache.set('apq:two', 'query { me { id } }');
  expect(await admin.get(`${prefix}apq:one`)).toBe('{ __typename }');
  const ttl = await admin.ttl(`${prefix}apq:one`);
  expect(ttl).toBeGreaterThan(100);
  expect(ttl).toBeLessThanOrEqual(120);
  expect(await admin.ttl(`${prefix}apq:two`)).toBe(-1); // no TTL asked: kept
  expect(await cache.get('apq:one')).toBe('{ __typename }');
  expect(await cache.get('apq:absent')).toBeUndefined();
  expect(await cache.delete('apq:two')).toBe(true);
  expect(await cache.get('apq:two')).toBeUndefined();
});

test('Redis out of reach: reads miss and writes are dropped, without throwing; the outage is logged once', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const cache = await cacheAt(`redis://127.0.0.1:${await freePort()}`, log, 0);
  for (let i = 0; i < 5; i++) {
    await expect(cache.get('apq:one')).resolves.toBeUndefined();
    await expect(cache.set('apq:one', '{ __typename }', { ttl: 60 })).resolves.toBeUndefined();
    await expect(cache.delete('apq:one')).resolves.toBe(false);
  }
  const outages = lines.filter((line) => line.includes('redis cache unavailable'));
  expect(outages).toHaveLength(1);
});
