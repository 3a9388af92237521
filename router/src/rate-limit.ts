/**
 * Request rate limits at the router: each caller (a signed-in user by id, an
 * anonymous one by network address) may send `points` operations per
 * `windowSeconds` (HTTP requests and graphql-ws operations alike). Over it,
 * RATE_LIMITED with `retryAfterSeconds` (and HTTP 429 with `Retry-After`).
 * A caller's window opens with its first operation and lasts `windowSeconds`.
 *
 * Each router counts in its own memory. With Redis (`REDIS_URL`) the counts
 * are shared by every router instance without a round trip per operation:
 * each instance sends what it counted to Redis every
 * {@link RATE_SYNC_INTERVAL_MS} (one pipeline for every caller counted
 * meanwhile) and takes the shared totals back from the answers. Once a
 * caller's count, as an instance knows it, is past half of the limit, each
 * of its operations there is counted in Redis before it runs, and Redis's
 * total decides. So one instance alone never lets a caller over its limit;
 * with several, an instance that has not heard the shared count of a caller
 * lately may let through what that caller sends it in one interval before
 * the answer brings the count. If Redis cannot be reached each instance
 * counts on its own meanwhile, and sends those counts once it is back: an
 * outage neither stops the API nor lifts the limit.
 */
import type { IncomingMessage } from 'node:http';
import { HeaderMap } from '@apollo/server';
import type { ChainableCommander, Redis } from 'ioredis';
import { GraphQLError } from 'graphql';
import type { Caller } from '../../platform/caller.ts';
import { RateLimitedError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { closeRedis, connectRedis, redisReady } from '../../platform/redis.ts';

/** How often a router sends the counts it took to Redis, with `REDIS_URL`. */
const RATE_SYNC_INTERVAL_MS = 20;

/** How long a router waits before sending again after Redis failed to answer. */
const RETRY_AFTER_FAILURE_MS = 1_000;

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

/** One caller's count in its current window. */
interface Count {
  /** The window's end (ms since the epoch). */
  resetAt: number;
  /** Counted in Redis, by every instance, as its latest answer gave it. */
  shared: number;
  /** Counted here and not sent to Redis yet. */
  unsent: number;
  /** Sent to Redis, not answered yet. */
  sending: number;
}

const counted = (count: Count): number => count.shared + count.unsent + count.sending;

/** Adds `ARGV[1]` to a caller's count and answers it with the time its window has left (opening one of `ARGV[2]` ms). */
const COUNT_SCRIPT = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  left = tonumber(ARGV[2])
end
return {total, left}`;

/** {@link COUNT_SCRIPT} as a command of the connection (answered with the total and the window's time left)... */
interface CountCommand {
  bankRateCount(key: string, add: number, windowMs: number): Promise<[number, number]>;
}

/** ...and of a pipeline (answered by its `exec`). */
interface PipelinedCount extends ChainableCommander {
  bankRateCount(key: string, add: number, windowMs: number): unknown;
}

export function createRateLimiter(config: RateLimitConfig, redisUrl: string | undefined, logger: Logger): RateLimiter {
  if (config.points === 0) {
    return { ready: async () => undefined, take: async () => undefined, close: async () => undefined };
  }
  const { points } = config;
  const windowMs = config.windowSeconds * 1000;
  // Past this count, each operation is counted in Redis before it runs.
  const countedBeforeRunning = Math.floor(points / 2);
  const counts = new Map<string, Count>();
  /** The callers with operations counted here and not sent yet: what the next sending sends. */
  const unsent = new Map<string, Count>();
  let closing = false;
  let redis: (Redis & CountCommand) | undefined;
  if (redisUrl) {
    // No offline queue: while Redis is away a sending fails at once and the counts stay here.
    redis = connectRedis(redisUrl, {
      name: 'bank-router:rate-limit',
      logger,
      isClosing: () => closing,
      redis: { enableOfflineQueue: false },
    }) as Redis & CountCommand;
    redis.defineCommand('bankRateCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });
  }

  /** Takes Redis's answer for `count` (`sent` operations added): the shared total and the window's end. */
  const answered = (count: Count, sent: number, [total, left]: [number, number]) => {
    count.sending -= sent;
    // Answers may arrive out of order (a sending of every caller, one of this caller alone): the largest is the latest.
    count.shared = Math.max(count.shared, total);
    count.resetAt = Date.now() + left;
  };
  const unanswered = (key: string, count: Count, sent: number) => {
    count.sending -= sent;
    count.unsent += sent;
    unsent.set(key, count);
  };
  /** Moves `count`'s unsent operations to sending; returns how many. */
  const toSending = (key: string, count: Count): number => {
    const sent = count.unsent;
    count.unsent = 0;
    count.sending += sent;
    unsent.delete(key);
    return sent;
  };
  const redisKey = (key: string) => `bank:rate:${key}`;

  let timer: NodeJS.Timeout | undefined;
  let sending = false;
  const schedule = (delayMs: number) => {
    if (timer || sending || closing) return;
    timer = setTimeout(() => void sendCounts(), delayMs);
    timer.unref();
  };
  /** Sends every caller's unsent count in one pipeline (the callers counted since the last sending, no others). */
  async function sendCounts(): Promise<void> {
    timer = undefined;
    if (!redis || unsent.size === 0) return;
    const now = Date.now();
    const batch: [string, Count, number][] = [];
    const pipeline = redis.pipeline() as PipelinedCount;
    for (const [key, count] of unsent) {
      // A window over before its counts went: they count for nothing now.
      if (count.resetAt <= now || count.unsent === 0) continue;
      const sent = toSending(key, count);
      pipeline.bankRateCount(redisKey(key), sent, windowMs);
      batch.push([key, count, sent]);
    }
    unsent.clear();
    if (batch.length === 0) return;
    sending = true;
    const answers = await pipeline.exec().catch(() => null);
    sending = false;
    let failed = false;
    for (const [i, [key, count, sent]] of batch.entries()) {
      const [error, answer] = answers?.[i] ?? [new Error('no answer'), undefined];
      if (error) {
        failed = true;
        unanswered(key, count, sent);
      } else answered(count, sent, answer as [number, number]);
    }
    // Callers counted while this sending was out, and what failed, go with the next.
    if (unsent.size > 0) schedule(failed ? RETRY_AFTER_FAILURE_MS : RATE_SYNC_INTERVAL_MS);
  }

  /** Counts `count`'s unsent operations in Redis now; false when Redis did not answer. */
  async function sendNow(key: string, count: Count): Promise<boolean> {
    if (!redis || redis.status !== 'ready') return false;
    const sent = toSending(key, count);
    try {
      answered(count, sent, await redis.bankRateCount(redisKey(key), sent, windowMs));
      return true;
    } catch {
      unanswered(key, count, sent);
      return false;
    }
  }

  const refused = (count: Count) => {
    const seconds = Math.max(1, Math.ceil((count.resetAt - Date.now()) / 1000));
    return new RateLimitedError(`Too many requests. Try again in ${seconds} seconds.`, seconds);
  };

  // Forgets the callers whose window is over (a caller's next operation opens a new one).
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [key, count] of counts) if (count.resetAt <= now && count.sending === 0) counts.delete(key);
    },
    Math.min(windowMs, 60_000),
  ).unref();

  return {
    async ready(timeoutMs = 2_000) {
      if (redis) await redisReady(redis, timeoutMs);
    },
    async take(caller, address) {
      const key = keyOf(caller, address);
      const now = Date.now();
      let count = counts.get(key);
      if (count === undefined || count.resetAt <= now) {
        count = { resetAt: now + windowMs, shared: 0, unsent: 0, sending: 0 };
        counts.set(key, count);
      }
      if (counted(count) >= points) throw refused(count);
      count.unsent += 1;
      if (!redis) return;
      unsent.set(key, count);
      if (counted(count) <= countedBeforeRunning) return schedule(RATE_SYNC_INTERVAL_MS);
      // Past half of the limit: Redis's total, with every instance's operations sent so far, decides.
      if (!(await sendNow(key, count))) return schedule(RETRY_AFTER_FAILURE_MS);
      if (count.shared > points) throw refused(count);
    },
    async close() {
      closing = true;
      clearTimeout(timer);
      clearInterval(sweeper);
      // What was counted since the last sending goes to the instances that stay.
      if (redis?.status === 'ready' && !sending) await sendCounts();
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
