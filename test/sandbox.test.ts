/**
 * End to end: what the router shows to humans and to tools, by environment.
 *
 * - development (and test): Apollo Sandbox is served on GET /graphql for
 *   browsers, introspection works, errors carry their details.
 * - production: the same stack starts (keys, admin and databases come from
 *   the environment), serves normal operations, but has no landing page, no
 *   introspection, no stack traces (over HTTP and graphql-ws), and masks
 *   internal errors.
 */
import { randomUUID } from 'node:crypto';
import { AuditEventsDocument, LoginDocument, MeDocument, RegisterDocument } from './generated/operations.ts';
import { startTestStack, TEST_ADMIN, type TestStack } from './support/stack.ts';
import { signUp } from './support/people.ts';
import { errorsOf, rawConnect } from './support/ws.ts';

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function post(bank: TestStack, query: string, token?: string): Promise<RawResponse> {
  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text,
    body: JSON.parse(text) as RawResponse['body'],
  };
}

/** What a browser opening the endpoint asks for. */
async function openInBrowser(bank: TestStack): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(bank.routerUrl, { headers: { accept: 'text/html,application/xhtml+xml' } });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** The errors of one operation sent over graphql-ws, and the text of its answer. */
async function errorsOverWs(
  bank: TestStack,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<{ errors: ReturnType<typeof errorsOf>; text: string }> {
  const ws = await rawConnect(bank.routerUrl, token);
  try {
    const id = randomUUID();
    ws.subscribe(id, query, variables);
    const message = await ws.answerTo(id);
    return { errors: errorsOf(message), text: JSON.stringify(message) };
  } finally {
    ws.socket.close();
  }
}

/**
 * NOT_FOUND over graphql-ws: an account that does not exist (a query, the
 * banking subgraph's error through the gateway: development shows its stack
 * trace) and a conversation that does not exist (a subscription, refused by
 * the router's subscription path).
 */
const WS_NOT_FOUND: readonly [string, Record<string, unknown>][] = [
  ['query($id: ID!) { account(id: $id) { id } }', { id: randomUUID() }],
  ['subscription($id: ID!) { messageAdded(conversationId: $id) { id } }', { id: randomUUID() }],
];

const INTROSPECTION = '{ __schema { queryType { name } types { name } } }';
const TYPE_INTROSPECTION = '{ __type(name: "User") { name description fields { name description } } }';

function expectSandboxPage(page: { status: number; contentType: string; text: string }): void {
  expect(page.status).toBe(200);
  expect(page.contentType).toMatch(/^text\/html/);
  expect(page.text).toMatch(/<html/i);
  expect(page.text).toMatch(/sandbox/i);
}

function expectIntrospectionWorks(response: RawResponse): void {
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  const schema = (response.body.data as { __schema: { queryType: { name: string }; types: { name: string }[] } })
    .__schema;
  expect(schema.queryType.name).toBe('Query');
  expect(schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(['User', 'AuthPayload', 'Role', 'Mutation']));
}

describe('development', () => {
  let bank: TestStack;
  beforeAll(async () => {
    bank = await startTestStack({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await bank?.close();
  });

  test('GET /graphql from a browser serves the Apollo Sandbox page', async () => {
    expect(bank.config.env).toBe('development');
    expectSandboxPage(await openInBrowser(bank));
  });

  test('introspection works, and the schema carries its descriptions (Sandbox is the manual)', async () => {
    expectIntrospectionWorks(await post(bank, INTROSPECTION));
    const user = await post(bank, TYPE_INTROSPECTION);
    expect(user.body.errors).toBeUndefined();
    const type = (
      user.body.data as { __type: { description: string; fields: { name: string; description: string }[] } }
    ).__type;
    expect(type.description).toBeTruthy();
    for (const field of type.fields) expect(field.description).toBeTruthy();
  });

  test('errors carry their details (stack trace) in development', async () => {
    const response = await post(bank, '{ me { id ');
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.body.errors?.[0]?.extensions?.stacktrace).toEqual(expect.any(Array));
  });

  test("a subgraph's error over graphql-ws carries its stack trace in development too", async () => {
    const { token } = await signUp(bank.routerUrl, 'dev-ws', 'CUSTOMER');
    const [query, variables] = WS_NOT_FOUND[0]!;
    const { errors } = await errorsOverWs(bank, query, variables, token);
    expect(errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(errors[0]?.extensions?.stacktrace).toEqual(expect.any(Array));
  });

  test('POST operations are not affected by the landing page', async () => {
    const me = await bank.request(MeDocument, {});
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toBeNull();
  });
});

describe('test environment (not production: the landing page is on)', () => {
  let bank: TestStack;
  beforeAll(async () => {
    bank = await startTestStack({ NODE_ENV: 'test' });
  });
  afterAll(async () => {
    await bank?.close();
  });

  test('Sandbox page and introspection are served', async () => {
    expectSandboxPage(await openInBrowser(bank));
    expectIntrospectionWorks(await post(bank, INTROSPECTION));
  });
});

describe('production', () => {
  let bank: TestStack;
  let adminToken: string;
  beforeAll(async () => {
    bank = await startTestStack({ NODE_ENV: 'production' });
    const login = await bank.request(LoginDocument, TEST_ADMIN);
    expect(login.errors).toBeUndefined();
    adminToken = login.data!.login.accessToken;
  });
  afterAll(async () => {
    await bank?.close();
  });

  test('the stack starts and serves normal operations', async () => {
    expect(bank.config.isProduction).toBe(true);
    const session = await bank.request(RegisterDocument, {
      input: {
        email: 'prod@example.com',
        password: 'correct horse battery staple',
        name: 'Pro Duction',
        role: 'CUSTOMER',
      },
    });
    expect(session.errors).toBeUndefined();
    const me = await bank.request(MeDocument, {}, session.data!.register.accessToken);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ email: 'prod@example.com', roles: ['CUSTOMER'] });
  });

  test('introspection is refused with GRAPHQL_VALIDATION_FAILED', async () => {
    for (const query of [INTROSPECTION, TYPE_INTROSPECTION, '{ me { id } __schema { types { name } } }']) {
      const response = await post(bank, query);
      expect(response.status).toBe(400);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    // Also for a signed-in ADMIN.
    const asAdmin = await post(bank, INTROSPECTION, adminToken);
    expect(asAdmin.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // `__typename` is not introspection and keeps working.
    const typename = await post(bank, '{ __typename }');
    expect(typename.status).toBe(200);
    expect(typename.body.data).toEqual({ __typename: 'Query' });
  });

  test('no HTML landing page is served', async () => {
    const page = await openInBrowser(bank);
    expect(page.status).not.toBe(200);
    expect(page.contentType).not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/sandbox/i);
    expect(page.text).not.toMatch(/<html/i);
  });

  test('errors carry no stack trace', async () => {
    const parse = await post(bank, '{ me { id ');
    expect(parse.status).toBe(400);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(parse.body.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    expect(parse.text).not.toContain('node_modules');

    const forbidden = await bank.request(AuditEventsDocument, {}, undefined);
    expect(forbidden.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(forbidden.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
  });

  test('errors over graphql-ws carry no stack trace either', async () => {
    const { token } = await signUp(bank.routerUrl, 'prod-ws', 'CUSTOMER');
    for (const [query, variables] of WS_NOT_FOUND) {
      const { errors, text } = await errorsOverWs(bank, query, variables, token);
      expect(errors[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(errors[0]?.extensions).not.toHaveProperty('stacktrace');
      expect(text).not.toContain('node_modules');
    }
    const parse = await errorsOverWs(bank, '{ me { id ', {}, token);
    expect(parse.errors[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(parse.errors[0]?.extensions).not.toHaveProperty('stacktrace');
    expect(parse.text).not.toContain('node_modules');
  });

  // Apollo Server labels every uncoded error INTERNAL_SERVER_ERROR before
  // formatError runs: formatError must mask that code too, or PostgreSQL's
  // text (and, at the router, subgraph addresses) reaches clients.
  test('an internal error caused by bad input is masked (database error text does not leak)', async () => {
    const result = await bank.request(AuditEventsDocument, { userId: 'not-a-uuid' }, adminToken);
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0]!;
    // Either the input is refused cleanly, or the failure is masked.
    expect(['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR']).toContain(error.extensions.code);
    expect(error.message).not.toMatch(/invalid input syntax/i);
    if (error.extensions.code === 'INTERNAL_SERVER_ERROR') expect(error.message).toBe('Internal server error.');
    expect(error.extensions).not.toHaveProperty('stacktrace');
  });

  test('an internal error caused by a bad cursor is masked', async () => {
    const cursor = Buffer.from(JSON.stringify(['not a date', 'x']), 'utf8').toString('base64url');
    const result = await bank.request(AuditEventsDocument, { after: cursor }, adminToken);
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0]!;
    expect(['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR']).toContain(error.extensions.code);
    expect(error.message).not.toMatch(/invalid time value/i);
    if (error.extensions.code === 'INTERNAL_SERVER_ERROR') expect(error.message).toBe('Internal server error.');
  });

  // Runs last: it stops the identity subgraph of this stack.
  describe('with a subgraph down', () => {
    beforeAll(async () => {
      await bank.stack.subgraphs.identity!.close();
    });

    test('/healthz still answers 200 but /readyz answers 503', async () => {
      expect((await fetch(new URL('/healthz', bank.routerUrl))).status).toBe(200);
      expect((await fetch(new URL('/readyz', bank.routerUrl))).status).toBe(503);
    });

    test('the failure is masked: no subgraph address or network error reaches the client', async () => {
      const identityUrl = bank.stack.subgraphs.identity!.url;
      const me = await bank.request(MeDocument, {});
      expect(me.errors).toHaveLength(1);
      const error = me.errors![0]!;
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toBe('Internal server error.');
      const text = JSON.stringify(me);
      expect(text).not.toContain(new URL(identityUrl).host);
      expect(text).not.toContain('ECONNREFUSED');
    });
  });
});
