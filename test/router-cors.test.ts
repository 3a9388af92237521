/**
 * Browsers on other origins: the router names allowed origins in its answers
 * and answers their preflights (router/src/cors.ts). Outside production any
 * port of localhost is allowed by default, so a frontend's development server
 * works on the first start; other origins get no CORS headers and a 403
 * preflight.
 */
import { corsHandler, isAllowedOrigin } from '../router/src/cors.ts';
import { loadConfig } from '../platform/config.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { MULTIPART_ACCEPT } from './support/multipart.ts';
import { signUp, type SignedUp } from './support/people.ts';

let bank: TestStack;
let user: SignedUp;

beforeAll(async () => {
  bank = await startTestStack();
  user = await signUp(bank.routerUrl, 'cora', 'CUSTOMER');
});
afterAll(async () => {
  await bank?.close();
});

const preflight = (origin: string, path = '/graphql') =>
  fetch(new URL(path, bank.routerUrl), {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

test('a frontend on localhost: the preflight is allowed, and answers name the origin', async () => {
  const origin = 'http://localhost:5173';
  const answer = await preflight(origin);
  expect(answer.status).toBe(204);
  expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
  expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST');
  expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
  expect(answer.headers.get('access-control-allow-credentials')).toBeNull();

  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
  expect(response.headers.get('vary')).toContain('origin');
  expect(await response.json()).toEqual({ data: { me: { id: user.id } } });
});

test('the statement download and a multipart subscription carry the same headers', async () => {
  const origin = 'http://127.0.0.1:3000';
  const download = await fetch(new URL('/statement.csv?accountId=nope&month=2026-01', bank.routerUrl), {
    headers: { origin, authorization: `Bearer ${user.token}` },
  });
  expect(download.headers.get('access-control-allow-origin')).toBe(origin);
  const controller = new AbortController();
  const stream = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: {
      origin,
      'content-type': 'application/json',
      accept: MULTIPART_ACCEPT,
      authorization: `Bearer ${user.token}`,
    },
    body: JSON.stringify({ query: 'subscription { notificationAdded { id } }' }),
    signal: controller.signal,
  });
  expect(stream.headers.get('content-type')).toContain('multipart/mixed');
  expect(stream.headers.get('access-control-allow-origin')).toBe(origin);
  controller.abort();
});

test('another origin: no CORS headers, and its preflight is 403 saying why', async () => {
  const origin = 'https://evil.example';
  const answer = await preflight(origin);
  expect(answer.status).toBe(403);
  expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  const body = (await answer.json()) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors[0]?.extensions.code).toBe('FORBIDDEN');
  expect(body.errors[0]?.message).toContain('CORS_ORIGINS');
  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
});

describe('the policy', () => {
  test('local: any port of localhost, 127.0.0.1 and [::1], nothing else', () => {
    for (const origin of ['http://localhost:3000', 'https://localhost', 'http://127.0.0.1:8080', 'http://[::1]:5173']) {
      expect(isAllowedOrigin('local', origin)).toBe(true);
    }
    for (const origin of ['http://localhost.evil.example', 'http://evil.example', 'null', 'file://', 'x']) {
      expect(isAllowedOrigin('local', origin)).toBe(false);
    }
  });

  test('a list: exactly its origins; *: any', () => {
    const list = ['https://app.bank.example'];
    expect(isAllowedOrigin(list, 'https://app.bank.example')).toBe(true);
    expect(isAllowedOrigin(list, 'https://app.bank.example:444')).toBe(false);
    expect(isAllowedOrigin(list, 'http://localhost:3000')).toBe(false);
    expect(isAllowedOrigin('*', 'https://anything.example')).toBe(true);
  });

  test('CORS_ORIGINS: a list of origins or *, checked; production allows none unless set', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:3000' }).router.corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:3000',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).router.corsOrigins).toBe('*');
    expect(loadConfig({}).router.corsOrigins).toBe('local');
    const production = { NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'x'.repeat(16) };
    expect(loadConfig(production).router.corsOrigins).toEqual([]);
    for (const bad of ['https://a.example/path', 'a.example', 'ftp://a.example', '*, https://a.example']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  test('no Origin header (a server, curl): nothing added, nothing refused', () => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as never;
    expect(corsHandler('local')({ headers: {}, method: 'POST' } as never, res)).toBe(false);
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });
});
