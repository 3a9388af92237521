/**
 * Persisted queries at the router, end to end, with routers started beside
 * the stack's own over its subgraphs:
 *
 * - automatic persisted queries (APQ) on Redis: a hash alone is
 *   PERSISTED_QUERY_NOT_FOUND until the text comes with it; the entry is then
 *   in Redis (`bank:apq:<sha256>`, with its TTL) and a second router answers
 *   the hash alone; with Redis gone, the full text is still answered and a
 *   hash alone is a miss, never a 5xx;
 * - trusted documents (TRUSTED_DOCUMENTS): the manifest's query, mutation and
 *   subscription run by id or by full text; anything else, introspection
 *   included, is refused with PERSISTED_QUERY_NOT_IN_LIST (HTTP 400) over
 *   HTTP POST and GET, graphql-ws and multipart subscriptions, and nothing
 *   runs; a manifest the router cannot use stops its start.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { startRouter, type RunningRouter } from '../router/src/router.ts';
import { operationId } from '../router/src/trusted-documents.ts';
import { multipartSubscribe, type MultipartSubscription } from './support/multipart.ts';
import { signUp, type SignedUp } from './support/people.ts';
import { testRedisUrl } from './support/redis.ts';
import { startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { rawConnect, until, type RawMessage, type RawSocket } from './support/ws.ts';

let bank: TestStack;
let customer: SignedUp;
let redis: Redis;
const routers: RunningRouter[] = [];
const sockets: RawSocket[] = [];
const streams: MultipartSubscription[] = [];
const folder = mkdtempSync(path.join(tmpdir(), 'persisted-queries-'));

beforeAll(async () => {
  bank = await startTestStack();
  customer = await signUp(bank.routerUrl, 'pq-carla', 'CUSTOMER');
  redis = new Redis(testRedisUrl());
}, 60_000);

afterAll(async () => {
  for (const stream of streams) stream.cancel();
  for (const ws of sockets) ws.socket.close();
  await Promise.all(routers.map((r) => r.close()));
  await redis?.quit();
  await bank?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Another router over the stack's subgraphs, with these persisted-query settings. */
async function router(settings: { redisUrl?: string; trustedDocuments?: string }): Promise<RunningRouter> {
  const config: Config = {
    ...bank.config,
    redisUrl: settings.redisUrl,
    router: {
      ...bank.config.router,
      persistedQueries: { ...bank.config.router.persistedQueries, trustedDocuments: settings.trustedDocuments },
    },
  };
  const subgraphUrls = Object.fromEntries(Object.entries(bank.stack.subgraphs).map(([name, s]) => [name, s.url]));
  const started = await startRouter({
    config,
    logger: createLogger(config, 'persisted-queries-test'),
    bus: bank.stack.bus,
    port: 0,
    subgraphUrls,
  });
  routers.push(started);
  return started;
}

const byId = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: operationId(query) } });

/** POSTs a body as JSON to `url`. */
async function post(url: string, body: Record<string, unknown>, token = customer.token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as JsonResponse };
}

/** GETs an operation from `url`, its fields in the query string (JSON where GraphQL over HTTP says). */
async function get(url: string, fields: { query?: string; extensions?: unknown }, token = customer.token) {
  const target = new URL(url);
  if (fields.query !== undefined) target.searchParams.set('query', fields.query);
  if (fields.extensions !== undefined) target.searchParams.set('extensions', JSON.stringify(fields.extensions));
  // Apollo's CSRF prevention asks a GET for a header a browser's simple request cannot set.
  const response = await fetch(target, {
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
  });
  return { status: response.status, body: (await response.json()) as JsonResponse };
}

const code = (body: JsonResponse) => body.errors?.[0]?.extensions?.code;

describe('automatic persisted queries on Redis', () => {
  /** An operation no other run or test has registered: its hash is new to Redis. */
  const fresh = () => `query Apq${randomBytes(6).toString('hex')} { __typename }`;

  test('hash alone: not found; hash and text: answered and stored in Redis; then a second router answers the hash alone', async () => {
    const [first, second] = [await router({ redisUrl: testRedisUrl() }), await router({ redisUrl: testRedisUrl() })];
    const query = fresh();
    const key = `bank:apq:${operationId(query)}`;

    const unknown = await post(first.url, { extensions: byId(query) });
    expect(code(unknown.body)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(await redis.exists(key)).toBe(0);

    const registered = await post(first.url, { query, extensions: byId(query) });
    expect(registered).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    // Apollo stores the entry without waiting for it: it lands a moment after the answer.
    await until(async () => (await redis.get(key)) === query, 5_000, 'the entry in Redis');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);

    expect(await post(second.url, { extensions: byId(query) })).toEqual({
      status: 200,
      body: { data: { __typename: 'Query' } },
    });
    expect((await get(second.url, { extensions: byId(query) })).body).toEqual({ data: { __typename: 'Query' } });
  });

  test('Redis gone: the full text is still answered, and a hash alone is a miss, not a 5xx', async () => {
    const proxy = await redisProxy();
    const cut = await router({ redisUrl: proxy.url });
    const before = fresh();
    expect((await post(cut.url, { query: before, extensions: byId(before) })).status).toBe(200);
    await until(async () => (await redis.exists(`bank:apq:${operationId(before)}`)) === 1, 5_000, 'stored');

    await proxy.stop(); // Redis is gone for this router: connections cut, nothing listens
    const during = fresh();
    expect(await post(cut.url, { query: during, extensions: byId(during) })).toEqual({
      status: 200,
      body: { data: { __typename: 'Query' } },
    });
    for (const query of [before, during]) {
      const miss = await post(cut.url, { extensions: byId(query) });
      expect(miss.status).toBeLessThan(500);
      expect(code(miss.body)).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    expect((await post(cut.url, { query: during })).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('a persisted query id that cannot be one', () => {
  const query = '{ __typename }';
  // Pairs, not an object: `'__proto__': …` in an object literal would set its prototype, not a key.
  const malformed: [string, unknown][] = [
    ['a number', 123],
    ['null', null],
    ['an object', {}],
    ['a list', [operationId(query)]],
    ['__proto__', '__proto__'],
    ['in upper case', operationId(query).toUpperCase()],
    ['one digit short', operationId(query).slice(1)],
    ['with a NUL', `${operationId(query).slice(1)}\u0000`],
    ['2 MB long', 'a'.repeat(2_000_000)],
  ];

  test.each(malformed)(
    '%s: BAD_REQUEST (HTTP 400) over POST and GET, with or without the text',
    async (_name, sha256Hash) => {
      const apq = await sharedApqRouter();
      const extensions = { persistedQuery: { version: 1, sha256Hash } };
      const answers = [await post(apq.url, { extensions }), await post(apq.url, { query, extensions })];
      // A 2 MB query string is over what HTTP servers accept in a request line: POST only for that one.
      if (typeof sha256Hash !== 'string' || sha256Hash.length < 1000) answers.push(await get(apq.url, { extensions }));
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(code(answer.body)).toBe('BAD_REQUEST');
        expect(answer.body.errors?.[0]?.message).toMatch(/sha256Hash must be the SHA-256/);
        expect(answer.body.data).toBeUndefined();
      }
    },
  );

  let shared: RunningRouter | undefined;
  async function sharedApqRouter(): Promise<RunningRouter> {
    shared ??= await router({ redisUrl: testRedisUrl() });
    return shared;
  }
});

/** A TCP proxy to the test run's Redis, which `stop()` cuts: Redis gone, as a router sees it. */
async function redisProxy(): Promise<{ url: string; stop(): Promise<void> }> {
  const target = new URL(testRedisUrl());
  const open = new Set<Socket>();
  const keep = (socket: Socket) => {
    open.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => open.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    keep(client);
    keep(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}

describe('trusted documents', () => {
  const QUERY = 'query Me { me { id } }';
  const MUTATION =
    'mutation OpenAccount($nickname: String) { openAccount(input: { type: CHECKING, currency: USD, nickname: $nickname }) { id nickname } }';
  const SUBSCRIPTION = 'subscription Notifications { notificationAdded { kind title } }';
  const UNLISTED = {
    query: '{ me { id email } }',
    mutation: 'mutation { openAccount(input: { type: SAVINGS, currency: USD }) { id } }',
    subscription: 'subscription { notificationAdded { id } }',
    introspection: '{ __schema { queryType { name } } }',
  };
  let trusted: RunningRouter;

  /** Writes a manifest in Apollo's format and returns its path. */
  function manifest(operations: { name: string; type: string; body: string; id?: string }[]): string {
    const file = path.join(folder, `${randomUUID()}.json`);
    const listed = operations.map((o) => ({ id: operationId(o.body), ...o }));
    writeFileSync(file, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: listed }));
    return file;
  }

  beforeAll(async () => {
    trusted = await router({
      trustedDocuments: manifest([
        { name: 'Me', type: 'query', body: QUERY },
        { name: 'OpenAccount', type: 'mutation', body: MUTATION },
        { name: 'Notifications', type: 'subscription', body: SUBSCRIPTION },
      ]),
    });
  }, 30_000);

  const live = () => trusted.subscriptions.stats().subscriptions;

  /** The customer's accounts, read through the stack's own router: "nothing was written". */
  async function accounts(): Promise<unknown> {
    return (await post(bank.routerUrl, { query: '{ me { accounts { id } } }' })).body.data;
  }

  /** How many operations the router refused as not in the manifest (its metrics). */
  async function refusedCount(): Promise<number> {
    const text = await (await fetch(trusted.metricsUrl)).text();
    return Number(
      /bank_router_operations_refused_total\{[^}]*limit="trusted_documents"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0,
    );
  }

  test('the listed query and mutation run by id or by full text, over POST and GET', async () => {
    const me = { data: { me: { id: customer.id } } };
    expect(await post(trusted.url, { query: QUERY })).toEqual({ status: 200, body: me });
    expect(await post(trusted.url, { extensions: byId(QUERY) })).toEqual({ status: 200, body: me });
    expect(await get(trusted.url, { query: QUERY })).toEqual({ status: 200, body: me });
    expect(await get(trusted.url, { extensions: byId(QUERY) })).toEqual({ status: 200, body: me });
    const byText = await post(trusted.url, { query: MUTATION, variables: { nickname: 'By text' } });
    expect(byText.body.data?.openAccount).toMatchObject({ nickname: 'By text' });
    const byHash = await post(trusted.url, { extensions: byId(MUTATION), variables: { nickname: 'By id' } });
    expect(byHash.body.data?.openAccount).toMatchObject({ nickname: 'By id' });
  });

  test('anything else over HTTP is refused with 400 PERSISTED_QUERY_NOT_IN_LIST, and nothing runs', async () => {
    const [before, refusedBefore] = [await accounts(), await refusedCount()];
    const refusals = [
      await post(trusted.url, { query: UNLISTED.mutation }),
      await post(trusted.url, { query: UNLISTED.query }),
      await post(trusted.url, { query: UNLISTED.introspection }),
      // A listed id does not carry an unlisted text through.
      await post(trusted.url, { query: UNLISTED.mutation, extensions: byId(MUTATION) }),
      // An id not in the list (APQ registers nothing here).
      await post(trusted.url, { extensions: byId(UNLISTED.query) }),
      await post(trusted.url, { query: UNLISTED.query, extensions: byId(UNLISTED.query) }),
      await post(trusted.url, { extensions: byId(UNLISTED.query) }),
      await get(trusted.url, { query: UNLISTED.query }),
      await get(trusted.url, { extensions: byId(UNLISTED.query) }),
      // Refused before the token is looked at.
      await post(trusted.url, { query: UNLISTED.mutation }, 'not-a-token'),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(refusal.body.data).toBeUndefined();
      expect(refusal.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    }
    expect(await accounts()).toEqual(before);
    expect(await refusedCount()).toBe(refusedBefore + refusals.length);
  });

  test('graphql-ws: listed operations by text or id run; anything else is refused, the socket staying open', async () => {
    const ws = await rawConnect(trusted.url, customer.token);
    sockets.push(ws);
    const send = (payload: Record<string, unknown>): Promise<RawMessage> => {
      const id = randomUUID();
      ws.socket.send(JSON.stringify({ id, type: 'subscribe', payload }));
      return ws.answerTo(id);
    };
    expect((await send({ query: QUERY })).payload).toEqual({ data: { me: { id: customer.id } } });
    // graphql-ws requires a `query`: by id, it is empty.
    expect((await send({ query: '', extensions: byId(QUERY) })).payload).toEqual({ data: { me: { id: customer.id } } });

    const before = live();
    ws.subscribe(randomUUID(), SUBSCRIPTION);
    ws.socket.send(
      JSON.stringify({ id: randomUUID(), type: 'subscribe', payload: { query: '', extensions: byId(SUBSCRIPTION) } }),
    );
    await until(() => live() === before + 2, 5_000, 'both subscriptions live');

    for (const query of [UNLISTED.query, UNLISTED.mutation, UNLISTED.subscription, UNLISTED.introspection]) {
      const refused = await send({ query });
      expect(refused.type).toBe('error');
      expect((refused.payload as JsonResponse['errors'])?.map((e) => e.extensions?.code)).toEqual([
        'PERSISTED_QUERY_NOT_IN_LIST',
      ]);
    }
    expect((await send({ query: '', extensions: byId(UNLISTED.query) })).type).toBe('error');
    expect(live()).toBe(before + 2);
    expect((await send({ query: QUERY })).payload).toEqual({ data: { me: { id: customer.id } } });
  });

  test('multipart subscriptions: the listed one streams by text or id; anything else is refused with 400', async () => {
    const before = live();
    for (const [query, extensions] of [
      [SUBSCRIPTION, undefined],
      [undefined, byId(SUBSCRIPTION)],
    ] as const) {
      const stream = await multipartSubscribe(trusted.url, query, {}, customer.token, extensions);
      streams.push(stream);
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^multipart\/mixed/);
    }
    await until(() => live() === before + 2, 5_000, 'both streams live');
    for (const [query, extensions] of [
      [UNLISTED.subscription, undefined],
      [undefined, byId(UNLISTED.subscription)],
      [UNLISTED.subscription, byId(SUBSCRIPTION)],
    ] as const) {
      const refused = await multipartSubscribe(trusted.url, query, {}, customer.token, extensions);
      expect(refused.status).toBe(400);
      expect((refused.json as JsonResponse).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    }
    expect(live()).toBe(before + 2);
  });

  test('a manifest the router cannot use stops its start with one line naming TRUSTED_DOCUMENTS', async () => {
    const wrongId = manifest([{ name: 'Me', type: 'query', body: QUERY, id: operationId(MUTATION) }]);
    await expect(router({ trustedDocuments: wrongId })).rejects.toThrow(
      `TRUSTED_DOCUMENTS (${wrongId}): operation Me: its id is not the SHA-256 of its body`,
    );
    const missing = path.join(folder, 'absent.json');
    await expect(router({ trustedDocuments: missing })).rejects.toThrow(
      new RegExp(`^TRUSTED_DOCUMENTS \\(${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): cannot be read: ENOENT`),
    );
  });
});
