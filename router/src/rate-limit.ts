/**
 * Request rate limits at the router: each caller (a signed-in user by id, an
 * anonymous one by network address) may send `points` operations per
 * `windowSeconds` (HTTP requests and graphql-ws operations alike). Over it,
 * RATE_LIMITED with `retryAfterSeconds` (and HTTP 429 with `Retry-After`).
 *
 * With Redis (`REDIS_URL`) the counts are shared by every router instance;
 * if Redis cannot be reached each instance counts on its own meanwhile
 * (rate-limiter-flexible's insurance limiter), so an outage neither stops
 * the API nor lifts the limit. Without Redis, counts are per process.
 */
import type { IncomingMessage } from 'node:http';
import { HeaderMap } from '@apollo/server';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { GraphQLError } from 'graphql';
import type { Caller } from '../../platform/caller.ts';
import { RateLimitedError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { closeRedis, connectRedis, redisReady } from '../../platform/redis.ts';

export interface RateLimitConfig {
  /** Operations per window and caller; 0 turns the limit off. */
  points: number;
  windowSeconds: number;
  /** Proxies in front of the router whose `X-Forwarded-For` entries are trusted (0: the socket's peer is the client). */
  trustedProxies: number;
}

export interface RateLimiter {
  /** Resolves once the shared store answers (at most `timeoutMs`; the process counts alone until then). */
  ready(timeoutMs?: number): Promise<void>;
  /** Counts one operation of `caller`; throws {@link RateLimitedError} when over the limit. */
  take(caller: Caller, address: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The client's address: the socket's peer, or with `trustedProxies` proxies
 * in front, the address the outermost trusted one saw (`X-Forwarded-For`
 * read from the right, so a client cannot choose its own key).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxies === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
  return hops[hops.length - trustedProxies] ?? hops[0] ?? peer;
}

function keyOf(caller: Caller, address: string): string {
  if (caller.kind === 'user') return `user:${caller.userId}`;
  if (caller.kind === 'service') return `service:${caller.service}`;
  return `address:${address}`;
}

export function createRateLimiter(config: RateLimitConfig, redisUrl: string | undefined, logger: Logger): RateLimiter {
  if (config.points === 0) {
    return { ready: async () => undefined, take: async () => undefined, close: async () => undefined };
  }
  const options = { points: config.points, duration: config.windowSeconds, keyPrefix: 'bank:rate' };
  const memory = new RateLimiterMemory(options);
  let redis: Redis | undefined;
  let closing = false;
  let limiter: RateLimiterAbstract = memory;
  if (redisUrl) {
    // No offline queue: while Redis is away a count fails at once and the in-process limiter answers.
    redis = connectRedis(redisUrl, {
      name: 'bank-router:rate-limit',
      logger,
      isClosing: () => closing,
      redis: { enableOfflineQueue: false },
    });
    limiter = new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory });
  }
  return {
    async ready(timeoutMs = 2_000) {
      if (redis) await redisReady(redis, timeoutMs);
    },
    async take(caller, address) {
      try {
        await limiter.consume(keyOf(caller, address));
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new RateLimitedError(`Too many requests. Try again in ${seconds} seconds.`, seconds);
      }
    },
    async close() {
      closing = true;
      if (redis) await closeRedis(redis);
    },
  };
}

/** A {@link RateLimitedError} refusing a whole HTTP request: status 429 and `Retry-After`. */
export function tooManyRequests(error: RateLimitedError): GraphQLError {
  const seconds = String(error.extensions.retryAfterSeconds);
  return new GraphQLError(error.message, {
    extensions: {
      ...error.extensions,
      http: { status: 429, headers: new HeaderMap([['retry-after', seconds]]) },
    },
  });
}
