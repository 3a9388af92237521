/**
 * Apollo's `KeyValueCache` over Redis: the router's store of automatic
 * persisted queries when `REDIS_URL` is set, shared by every router instance.
 *
 * A cache is never a reason to fail a request: while Redis cannot be reached
 * (or does not answer within {@link COMMAND_TIMEOUT_MS}), every read is a
 * miss and every write is dropped, so a client that sends the full text is
 * still answered. The outage is logged once, and its end once, not per
 * request.
 */
import type { PersistedQueryOptions } from '@apollo/server';
import type { Logger } from './logger.ts';
import { closeRedis, connectRedis, redisReady } from './redis.ts';

/**
 * Apollo's `KeyValueCache<string>` (from `@apollo/utils.keyvaluecache`), as
 * Apollo Server takes it: named through `@apollo/server`, a dependency of the
 * project, not through the utility package, which the project does not
 * depend on (the copy hoisted to `node_modules` is @apollo/gateway's older
 * major).
 */
export type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;

/** A command Redis has not answered by then counts as failed (a miss): a stalled Redis never stalls a request. */
export const COMMAND_TIMEOUT_MS = 500;

export interface RedisCacheOptions {
  /** `CLIENT SETNAME` of its connection. */
  name: string;
  /** Put before every key (Apollo puts its own `apq:` after it). */
  keyPrefix: string;
  logger: Logger;
}

export interface RedisCache extends KeyValueCache {
  /** Resolves once Redis answers, or after `timeoutMs` (reads miss until then). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A {@link KeyValueCache} over its own connection to `url`. */
export function createRedisCache(url: string, options: RedisCacheOptions): RedisCache {
  const { keyPrefix, logger } = options;
  let closing = false;
  // No offline queue: while Redis is away a command fails at once instead of waiting for it.
  const redis = connectRedis(url, {
    name: options.name,
    logger,
    isClosing: () => closing,
    redis: { enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 0 },
  });
  let failing = false;
  const answered = <T>(value: T): T => {
    if (failing) logger.info({ cache: options.name }, 'redis cache answers again');
    failing = false;
    return value;
  };
  const failed = (error: unknown): undefined => {
    if (!failing)
      logger.warn({ err: error, cache: options.name }, 'redis cache unavailable; reads miss until it is back');
    failing = true;
    return undefined;
  };
  return {
    async get(key) {
      try {
        return answered((await redis.get(keyPrefix + key)) ?? undefined);
      } catch (error) {
        return failed(error);
      }
    },
    async set(key, value, setOptions) {
      const ttl = setOptions?.ttl;
      try {
        answered(
          typeof ttl === 'number' && ttl > 0
            ? await redis.set(keyPrefix + key, value, 'EX', Math.ceil(ttl))
            : await redis.set(keyPrefix + key, value),
        );
      } catch (error) {
        failed(error);
      }
    },
    async delete(key) {
      try {
        return answered((await redis.del(keyPrefix + key)) > 0);
      } catch (error) {
        failed(error);
        return false;
      }
    },
    ready: (timeoutMs = 2_000) => redisReady(redis, timeoutMs),
    async close() {
      closing = true;
      await closeRedis(redis);
    },
  };
}
