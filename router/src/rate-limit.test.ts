/**
 * The router's rate limiter: whose count an operation goes to (user, address
 * behind trusted proxies), the refusal, and the switch-off, in process; with
 * Redis, counts sent every interval rather than per operation, in Redis
 * before running past half of the limit, and counted alone while Redis is away.
 * (Through the router: test/router-rate-limit.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Redis } from 'ioredis';
import type { Caller } from '../../platform/caller.ts';
import { RateLimitedError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { until } from '../../test/support/ws.ts';
import { clientAddress, createRateLimiter } from './rate-limit.ts';

const logger = createLogger({ logLevel: 'silent' }, 'test');

function request(peer: string, forwardedFor?: string | string[]): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  test('without trusted proxies: the peer, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('10.0.0.5', '203.0.113.7'), 0)).toBe('10.0.0.5');
  });

  test('behind N trusted proxies: the N-th entry from the right', () => {
    const forwarded = '198.51.100.1, 203.0.113.7, 10.0.0.2';
    expect(clientAddress(request('10.0.0.3', forwarded), 1)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.3', forwarded), 2)).toBe('203.0.113.7');
    // Repeated headers are one list.
    expect(clientAddress(request('10.0.0.3', ['198.51.100.1', '203.0.113.7']), 1)).toBe('203.0.113.7');
  });

  test('fewer entries than proxies: the leftmost; none: the peer', () => {
    expect(clientAddress(request('10.0.0.3', '203.0.113.7'), 3)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.3'), 1)).toBe('10.0.0.3');
    expect(clientAddress(request('10.0.0.3', ' , '), 1)).toBe('10.0.0.3');
  });
});

describe('createRateLimiter (in process)', () => {
  const ann: Caller = { kind: 'user', userId: 'a0000000-0000-4000-8000-000000000001', roles: ['CUSTOMER'] };
  const bob: Caller = { kind: 'user', userId: 'b0000000-0000-4000-8000-000000000002', roles: ['CUSTOMER'] };
  const anonymous: Caller = { kind: 'anonymous' };

  test('each caller has its own count: users by id, anonymous callers by address', async () => {
    const limiter = createRateLimiter({ points: 3, windowSeconds: 60, trustedProxies: 0 }, undefined, logger);
    for (let i = 0; i < 3; i++) await limiter.take(ann, '127.0.0.1');
    const refusal = await limiter.take(ann, '10.9.9.9').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    const { retryAfterSeconds } = (refusal as RateLimitedError).extensions;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);

    // Same address, other callers: not held back.
    for (let i = 0; i < 3; i++) await limiter.take(bob, '127.0.0.1');
    for (let i = 0; i < 3; i++) await limiter.take(anonymous, '127.0.0.1');
    await expect(limiter.take(anonymous, '127.0.0.1')).rejects.toBeInstanceOf(RateLimitedError);
    await limiter.take(anonymous, '127.0.0.2');
    await limiter.close();
  });

  test('0 requests turns the limit off', async () => {
    const limiter = createRateLimiter({ points: 0, windowSeconds: 60, trustedProxies: 0 }, undefined, logger);
    await limiter.ready();
    for (let i = 0; i < 1000; i++) await limiter.take(ann, '127.0.0.1');
    await limiter.close();
  });
});

describe('createRateLimiter with Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  const newUser = (): Caller => ({ kind: 'user', userId: randomUUID(), roles: ['CUSTOMER'] });
  const countOf = async (caller: Caller) =>
    Number((await redis.get(`bank:rate:user:${caller.kind === 'user' ? caller.userId : ''}`)) ?? 0);
  /** Waits until Redis holds `expected` for `caller` (each limiter sends within its interval). */
  const untilCounted = (caller: Caller, expected: number) =>
    until(async () => (await countOf(caller)) === expected, 5_000, `Redis counting ${expected}`);

  test('operations are counted without a round trip each, and reach Redis with the next sending', async () => {
    const limiter = createRateLimiter({ points: 100, windowSeconds: 60, trustedProxies: 0 }, testRedisUrl(), logger);
    await limiter.ready();
    const [ann, bob] = [newUser(), newUser()];
    for (let i = 0; i < 30; i++) await limiter.take(ann, '127.0.0.1');
    for (let i = 0; i < 20; i++) await limiter.take(bob, '127.0.0.1');
    // Answered before anything was sent: a take far from the limit waits for no one.
    expect(await countOf(ann)).toBe(0);
    await untilCounted(ann, 30);
    await untilCounted(bob, 20);
    // The window Redis keeps is the caller's.
    const left = await redis.pttl(`bank:rate:user:${(ann as { userId: string }).userId}`);
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
    await limiter.close();
  });

  test('two limiters share one count; past half of the limit each operation is counted in Redis first', async () => {
    const url = testRedisUrl();
    const [a, b] = [0, 1].map(() =>
      createRateLimiter({ points: 10, windowSeconds: 60, trustedProxies: 0 }, url, logger),
    ) as [ReturnType<typeof createRateLimiter>, ReturnType<typeof createRateLimiter>];
    await Promise.all([a.ready(), b.ready()]);
    const ann = newUser();
    // Five counted by a, sent with its next sending; the rest, past half, each in Redis before it runs.
    for (let i = 0; i < 5; i++) await a.take(ann, '127.0.0.1');
    expect(await countOf(ann)).toBe(0);
    await a.take(ann, '127.0.0.1');
    expect(await countOf(ann)).toBe(6);
    await a.take(ann, '127.0.0.1');
    await a.take(ann, '127.0.0.1');
    expect(await countOf(ann)).toBe(8);
    // b has not heard of ann: it counts the operation and sends it with its next sending.
    await b.take(ann, '127.0.0.1');
    await untilCounted(ann, 9);
    // a knows 8, b 9 (its sending's answer): both past half, each asks Redis first; the tenth is let through.
    await a.take(ann, '127.0.0.1');
    expect(await countOf(ann)).toBe(10);
    const refusal = await b.take(ann, '127.0.0.1').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect((refusal as RateLimitedError).extensions.retryAfterSeconds).toBeGreaterThan(50);
    await expect(a.take(ann, '127.0.0.1')).rejects.toBeInstanceOf(RateLimitedError);
    // Another caller is not held back by either.
    const bob = newUser();
    await a.take(bob, '127.0.0.1');
    await b.take(bob, '127.0.0.1');
    await Promise.all([a.close(), b.close()]);
  });

  test('what was counted since the last sending is sent on close', async () => {
    const limiter = createRateLimiter({ points: 100, windowSeconds: 60, trustedProxies: 0 }, testRedisUrl(), logger);
    await limiter.ready();
    const ann = newUser();
    for (let i = 0; i < 7; i++) await limiter.take(ann, '127.0.0.1');
    await limiter.close();
    expect(await countOf(ann)).toBe(7);
  });

  test("a caller's window closes after its seconds, in process and in Redis alike", async () => {
    const windowed = async (redisUrl: string | undefined) => {
      const limiter = createRateLimiter({ points: 2, windowSeconds: 1, trustedProxies: 0 }, redisUrl, logger);
      await limiter.ready();
      const ann = newUser();
      await limiter.take(ann, '127.0.0.1');
      await limiter.take(ann, '127.0.0.1');
      const refusal = await limiter.take(ann, '127.0.0.1').catch((error: unknown) => error);
      expect((refusal as RateLimitedError).extensions.retryAfterSeconds).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await limiter.take(ann, '127.0.0.1');
      await limiter.take(ann, '127.0.0.1');
      await expect(limiter.take(ann, '127.0.0.1')).rejects.toBeInstanceOf(RateLimitedError);
      await limiter.close();
    };
    await Promise.all([windowed(undefined), windowed(testRedisUrl())]);
  });

  test('while Redis cannot be reached, the limiter counts alone: the limit holds and nothing fails', async () => {
    // A port nothing listens on: every sending fails at once (no offline queue).
    const limiter = createRateLimiter(
      { points: 5, windowSeconds: 60, trustedProxies: 0 },
      'redis://127.0.0.1:1',
      logger,
    );
    await limiter.ready(50);
    const ann = newUser();
    for (let i = 0; i < 5; i++) await limiter.take(ann, '127.0.0.1');
    await expect(limiter.take(ann, '127.0.0.1')).rejects.toBeInstanceOf(RateLimitedError);
    await limiter.take(newUser(), '127.0.0.1');
    await limiter.close();
  });
});
