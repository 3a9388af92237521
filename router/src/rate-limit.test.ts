/**
 * The router's rate limiter without Redis: whose count an operation goes to
 * (user, address behind trusted proxies), the refusal, and the switch-off.
 * (With Redis and through the router: test/router-rate-limit.test.ts.)
 */
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../../platform/caller.ts';
import { RateLimitedError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
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
