/**
 * What the router sends each subgraph besides the operation: the signed
 * caller header to all, and the user's own access token to the assistant
 * alone (docs/architecture.md, "The assistant acts as the user").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_HEADER, callerKeyFor, USER_TOKEN_HEADER, verifyCallerHeader } from '../../platform/caller.ts';
import { generateAes256Key } from '../../platform/keys.ts';
import { createLogger } from '../../platform/logger.ts';
import { CallerSigningDataSource } from './caller-signing-data-source.ts';
import type { RouterContext } from './context.ts';
import { EntityCache } from './entity-cache.ts';
import { createSubgraphFetcher } from './subgraph-fetcher.ts';

const secret = generateAes256Key();
const bankingKey = callerKeyFor(secret, 'banking');
const assistantKey = callerKeyFor(secret, 'assistant');
const QUERY = '{ me { id } }';

function send(source: CallerSigningDataSource, context: Partial<RouterContext>): Headers {
  const headers = new Headers();
  source.willSendRequest({
    request: { query: QUERY, variables: {}, http: { method: 'POST', url: 'http://x', headers } },
    context: { requestId: 'r1', logger: createLogger({ logLevel: 'silent' }, 'test'), ...context },
  } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);
  return headers;
}

const user = { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', roles: ['CUSTOMER'] } as const;

test('every subgraph gets the caller signed with its own key; only the assistant gets the access token', () => {
  const banking = send(new CallerSigningDataSource('http://banking', bankingKey), { caller: user, accessToken: 'tok' });
  const header = banking.get(CALLER_HEADER) ?? undefined;
  expect(verifyCallerHeader(bankingKey, header, QUERY)).toEqual(user);
  // Another subgraph cannot use it: it is not signed with that subgraph's key.
  expect(() => verifyCallerHeader(assistantKey, header, QUERY)).toThrow(/invalid or expired/);
  expect(banking.get(USER_TOKEN_HEADER)).toBeNull();

  const assistant = new CallerSigningDataSource('http://assistant', assistantKey, { forwardsAccessToken: true });
  const toAssistant = send(assistant, { caller: user, accessToken: 'tok' });
  expect(verifyCallerHeader(assistantKey, toAssistant.get(CALLER_HEADER) ?? undefined, QUERY)).toEqual(user);
  expect(toAssistant.get(USER_TOKEN_HEADER)).toBe('tok');
  // No token (anonymous callers, the gateway's own requests): nothing to forward.
  expect(send(assistant, { caller: { kind: 'anonymous' } }).get(USER_TOKEN_HEADER)).toBeNull();
});

describe('a fetch', () => {
  let server: http.Server;
  let url: string;
  /** What the next request gets: status, headers and body. */
  let answer: { status: number; headers: Record<string, string>; body: string };
  let received: { method?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
  const fetcher = createSubgraphFetcher();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() };
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await fetcher.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const json = { 'content-type': 'application/json' };
  const fetchWith = (restrict?: (hint: unknown) => void) =>
    new CallerSigningDataSource(url, bankingKey, { fetcher: fetcher.fetcher }).process({
      kind: 'incoming operation',
      request: { query: QUERY, variables: { a: 1 }, operationName: 'Me' },
      incomingRequestContext: restrict ? { overallCachePolicy: { restrict } } : {},
      context: { caller: user, requestId: 'r1', logger: createLogger({ logLevel: 'silent' }, 'test') },
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);

  test('posts the operation as JSON with the signed caller, and returns the answer', async () => {
    answer = { status: 200, headers: json, body: JSON.stringify({ data: { me: { id: 'u1' } } }) };
    const response = await fetchWith();
    expect(response.data).toEqual({ me: { id: 'u1' } });
    expect(received?.method).toBe('POST');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received?.body ?? '')).toEqual({ query: QUERY, variables: { a: 1 }, operationName: 'Me' });
    const header = received?.headers[CALLER_HEADER];
    expect(verifyCallerHeader(bankingKey, typeof header === 'string' ? header : undefined, QUERY, { a: 1 })).toEqual(
      user,
    );
    expect(received?.headers['x-request-id']).toBe('r1');
  });

  test("gives the operation's cache policy the answer's hint, none when it has none", async () => {
    const hints: unknown[] = [];
    answer = { status: 200, headers: json, body: JSON.stringify({ data: {} }) };
    await fetchWith((hint) => hints.push(hint));
    answer = { status: 200, headers: { ...json, 'cache-control': 'max-age=60, public' }, body: '{"data":{}}' };
    await fetchWith((hint) => hints.push(hint));
    answer = { status: 200, headers: { ...json, 'cache-control': 'max-age=5, private' }, body: '{"data":{}}' };
    await fetchWith((hint) => hints.push(hint));
    expect(hints).toEqual([{ maxAge: 0 }, { maxAge: 60, scope: 'PUBLIC' }, { maxAge: 5, scope: 'PRIVATE' }]);
  });

  test("refuses an answer that is not JSON, and keeps a subgraph's refusal's code", async () => {
    answer = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' };
    await expect(fetchWith()).rejects.toThrow('Expected JSON response body, but received: hello');
    answer = {
      status: 400,
      headers: json,
      body: JSON.stringify({ errors: [{ message: 'Bad amount.', extensions: { code: 'BAD_USER_INPUT' } }] }),
    };
    await expect(fetchWith()).rejects.toMatchObject({
      message: 'Bad amount.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  describe('of entities, with an entity cache', () => {
    const ENTITIES =
      'query E($representations:[_Any!]!){_entities(representations:$representations){...on User{name}}}';
    const representations = [
      { __typename: 'User', id: 'b1' },
      { __typename: 'User', id: 'b2' },
    ];
    const entities = [
      { __typename: 'User', name: 'Ana' },
      { __typename: 'User', name: 'Ben' },
    ];
    const publicAnswer = (body: unknown = { data: { _entities: entities } }) => ({
      status: 200,
      headers: { ...json, 'cache-control': 'max-age=60, public' },
      body: JSON.stringify(body),
    });
    /** Fetches the entities as `caller`; resolves with the answer and whether the subgraph was asked. */
    const fetchEntities = async (
      cache: EntityCache,
      caller: RouterContext['caller'],
      restrict?: (h: unknown) => void,
    ) => {
      received = undefined;
      const response = await new CallerSigningDataSource(url, bankingKey, {
        fetcher: fetcher.fetcher,
        subgraph: 'identity',
        entityCache: cache,
      }).process({
        kind: 'incoming operation',
        request: { query: ENTITIES, variables: { representations }, operationName: 'E' },
        incomingRequestContext: restrict ? { overallCachePolicy: { restrict } } : {},
        context: { caller, requestId: 'r1', logger: createLogger({ logLevel: 'silent' }, 'test') },
      } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);
      return { response, asked: received !== undefined };
    };

    test('a public answer for a signed-in user answers the next signed-in user without a fetch, as a copy', async () => {
      const cache = new EntityCache();
      answer = publicAnswer();
      expect(await fetchEntities(cache, user)).toMatchObject({
        asked: true,
        response: { data: { _entities: entities } },
      });
      const other = { kind: 'user', userId: '00000000-0000-4000-8000-000000000002', roles: ['BANKER'] } as const;
      const hints: unknown[] = [];
      const second = await fetchEntities(cache, other, (hint) => hints.push(hint));
      expect(second).toMatchObject({ asked: false, response: { data: { _entities: entities } } });
      expect(hints).toEqual([{ maxAge: expect.any(Number), scope: 'PUBLIC' }]);
      // The gateway merges answers into its result: changing one changes no later answer.
      (second.response.data as { _entities: { name: string }[] })._entities[0]!.name = 'changed';
      expect((await fetchEntities(cache, other)).response.data).toEqual({ _entities: entities });
    });

    test('an anonymous caller is never given, and never fills, the cache', async () => {
      const cache = new EntityCache();
      answer = publicAnswer();
      await fetchEntities(cache, user);
      expect((await fetchEntities(cache, { kind: 'anonymous' })).asked).toBe(true);
      const empty = new EntityCache();
      await fetchEntities(empty, { kind: 'anonymous' });
      expect(empty.size).toBe(0);
    });

    test('keeps nothing of an answer that is private, has no hint, a zero max-age, or errors', async () => {
      const cache = new EntityCache();
      for (const kept of [
        { ...publicAnswer(), headers: { ...json, 'cache-control': 'max-age=60, private' } },
        { ...publicAnswer(), headers: json },
        { ...publicAnswer(), headers: { ...json, 'cache-control': 'max-age=0, public' } },
        publicAnswer({ data: { _entities: entities }, errors: [{ message: 'partly' }] }),
        publicAnswer({ data: { _entities: [entities[0]] } }),
      ]) {
        answer = kept;
        await fetchEntities(cache, user);
        expect(cache.size).toBe(0);
      }
      answer = publicAnswer();
      await fetchEntities(cache, user);
      expect(cache.size).toBe(2);
    });
  });
});
