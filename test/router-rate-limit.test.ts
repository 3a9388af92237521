/**
 * The router's rate limit end to end, at 5 operations per caller and minute:
 * a signed-in caller is counted by user, an anonymous one by address (the
 * nearest entry of `X-Forwarded-For` behind one trusted proxy); over the
 * limit, HTTP 429 with `Retry-After` and RATE_LIMITED, and nothing runs.
 * graphql-ws operations and statement downloads count the same way. With
 * Redis, two routers share the counts (each sends its own within an interval).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { issueAccessToken } from '../platform/access-token.ts';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { startRouter, type RunningRouter } from '../router/src/router.ts';
import { signUp } from './support/people.ts';
import { testRedisUrl } from './support/redis.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { multipartSubscribe } from './support/multipart.ts';
import { connect, subscribe, until } from './support/ws.ts';

const LIMIT = 5;

let bank: TestStack;

beforeAll(async () => {
  bank = await startTestStack({ RATE_LIMIT_REQUESTS: String(LIMIT), TRUSTED_PROXY_HOPS: '1' });
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

/** An access token of `userId` (the limit is counted per user id). */
function tokenOf(userId: string): string {
  const key = bank.config.keys.jwtPrivateKey;
  if (!key) throw new Error('the test stack has a JWT key');
  return issueAccessToken(key, { userId, roles: ['CUSTOMER'] }, 600).token;
}

/** An access token of a user of its own. */
const tokenOfNewUser = (): string => tokenOf(randomUUID());

interface Answer {
  status: number;
  retryAfter: string | null;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(
  query: string,
  { token, forwardedFor, url = bank.routerUrl }: { token?: string; forwardedFor?: string; url?: string } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    ...((await response.json()) as Pick<Answer, 'data' | 'errors'>),
  };
}

function expectLimited(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.data ?? null).toBeNull();
  const extensions = answer.errors?.[0]?.extensions;
  expect(extensions?.code).toBe('RATE_LIMITED');
  const seconds = extensions?.retryAfterSeconds as number;
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
  expect(answer.retryAfter).toBe(String(seconds));
  expect(extensions).not.toHaveProperty('http');
}

const PING = '{ __typename }';

test('a signed-in caller: the limit per user, over it 429 and RATE_LIMITED; another user is not held back', async () => {
  const ann = tokenOfNewUser();
  for (let i = 0; i < LIMIT; i++) expect((await post(PING, { token: ann })).status).toBe(200);
  expectLimited(await post(PING, { token: ann }));
  expectLimited(await post(PING, { token: ann }));
  const bob = tokenOfNewUser();
  expect(await post(PING, { token: bob })).toMatchObject({ status: 200, data: { __typename: 'Query' } });
});

test('a refused mutation does nothing', async () => {
  const cleo = await signUp(bank.routerUrl, 'rate-cleo', 'CUSTOMER');
  const OPEN = 'mutation { openAccount(input: { type: CHECKING, currency: USD }) { id } }';
  for (let i = 0; i < LIMIT - 1; i++) expect((await post(PING, { token: cleo.token })).status).toBe(200);
  expect((await post(OPEN, { token: cleo.token })).data?.openAccount).toBeTruthy();
  expectLimited(await post(OPEN, { token: cleo.token }));
  const banking = bank.stack.subgraphs.banking!.orm.em.getConnection();
  const [row] = await banking.execute<{ n: number }[]>('select count(*)::int as n from accounts where owner_id = ?', [
    cleo.id,
  ]);
  expect(row?.n).toBe(1);
});

test('anonymous callers are counted by the address the trusted proxy saw, whatever they put before it', async () => {
  const client = '203.0.113.7';
  for (let i = 0; i < LIMIT; i++) expect((await post(PING, { forwardedFor: client })).status).toBe(200);
  expectLimited(await post(PING, { forwardedFor: client }));
  // A client cannot pick a fresh key by adding entries of its own: the proxy appends the real address last.
  expectLimited(await post(PING, { forwardedFor: `198.51.100.1, ${client}` }));
  expect((await post(PING, { forwardedFor: '203.0.113.8' })).status).toBe(200);
});

test('graphql-ws operations count too; a refused one leaves the socket usable', async () => {
  const token = tokenOfNewUser();
  const ws = connect(bank.routerUrl, token);
  try {
    for (let i = 0; i < LIMIT; i++) expect(await subscribe(ws, PING).next()).toEqual({ data: { __typename: 'Query' } });
    const refused = await subscribe(ws, PING).next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    // Still open: the same socket answers (with the same refusal) rather than closing.
    const again = await subscribe(ws, PING).next();
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  } finally {
    await ws.dispose();
  }
  // HTTP shares the count with the socket.
  expectLimited(await post(PING, { token }));
});

test('multipart HTTP subscriptions count too: over the limit, 429 with Retry-After and nothing subscribed', async () => {
  const token = tokenOfNewUser();
  for (let i = 0; i < LIMIT; i++) expect((await post(PING, { token })).status).toBe(200);
  const before = bank.stack.router.subscriptions.stats().subscriptions;
  const sub = await multipartSubscribe(bank.routerUrl, 'subscription { notificationAdded { id } }', {}, token);
  expect(sub.status).toBe(429);
  const extensions = (sub.json?.errors as { extensions: Record<string, unknown> }[])[0]?.extensions;
  expect(extensions?.code).toBe('RATE_LIMITED');
  expect(sub.retryAfter).toBe(String(extensions?.retryAfterSeconds));
  expect(bank.stack.router.subscriptions.stats().subscriptions).toBe(before);
});

test('statement downloads count too: over the limit, 429 with Retry-After before the file is asked for', async () => {
  const token = tokenOfNewUser();
  for (let i = 0; i < LIMIT; i++) expect((await post(PING, { token })).status).toBe(200);
  const url = new URL('/statement.csv?accountId=00000000-0000-4000-8000-000000000000&month=2026-01', bank.routerUrl);
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(429);
  const body = (await response.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
  expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
  expect(response.headers.get('retry-after')).toBe(String(body.errors[0]?.extensions.retryAfterSeconds));
});

describe('with Redis', () => {
  const routers: RunningRouter[] = [];
  afterAll(async () => {
    await Promise.all(routers.map((r) => r.close()));
  });

  test('two routers share one count per caller', async () => {
    const config: Config = { ...bank.config, redisUrl: testRedisUrl() };
    const subgraphUrls = Object.fromEntries(
      Object.entries(bank.stack.subgraphs).map(([name, subgraph]) => [name, subgraph.url]),
    );
    const logger = createLogger(config, 'rate-limit-test');
    for (let i = 0; i < 2; i++) {
      routers.push(await startRouter({ config, logger, bus: bank.stack.bus, port: 0, subgraphUrls }));
    }
    const [a, b] = routers.map((r) => r.url) as [string, string];
    const userId = randomUUID();
    const token = tokenOf(userId);
    for (let i = 0; i < LIMIT; i++) {
      expect((await post(PING, { token, url: i % 2 === 0 ? a : b })).status).toBe(200);
    }
    // Each router sends its counts within RATE_SYNC_INTERVAL_MS; once Redis holds both, both refuse.
    const redis = new Redis(config.redisUrl as string);
    try {
      const counted = async () => Number(await redis.get(`bank:rate:user:${userId}`)) === LIMIT;
      await until(counted, 5_000, 'the routers sending their counts');
    } finally {
      await redis.quit();
    }
    expectLimited(await post(PING, { token, url: a }));
    expectLimited(await post(PING, { token, url: b }));
  });
});
