/**
 * End to end: the router is the only door in.
 *
 * - A subgraph called on its own URL refuses every request that does not
 *   carry a valid, unexpired router signature bound to that very operation,
 *   `_entities` and `_service` included, and ignores access tokens.
 * - The router refuses every access token that is not an unexpired ES256
 *   token from identity for this API (alg none, algorithm confusion, expired,
 *   tampered, foreign key, wrong audience or issuer, non-Bearer schemes) with
 *   HTTP 401, UNAUTHENTICATED and no data.
 * - Request ids and the health probes.
 */
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../platform/access-token.ts';
import { CALLER_HEADER, callerKeyFor, operationHash, signCallerHeader, type Caller } from '../platform/caller.ts';
import { callerKeyOf } from '../platform/config.ts';
import { MAX_BODY_BYTES } from '../platform/http-server.ts';
import { secretKeyObject } from '../platform/key-objects.ts';
import { generateAes256Key, generateEs256KeyPair } from '../platform/keys.ts';
import { MeDocument, RegisterDocument } from './generated/operations.ts';
import { startTestStack, TEST_ADMIN, type TestStack } from './support/stack.ts';

let bank: TestStack;
/** A real customer, registered through the router. */
let customer: { id: string; accessToken: string };

beforeAll(async () => {
  bank = await startTestStack();
  const registered = await bank.request(RegisterDocument, {
    input: { email: 'trust@example.com', password: 'correct horse battery staple', name: 'Tru St', role: 'CUSTOMER' },
  });
  expect(registered.errors).toBeUndefined();
  customer = { id: registered.data!.register.user.id, accessToken: registered.data!.register.accessToken };
});
afterAll(async () => {
  await bank?.close();
});

interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as written. */
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** POSTs a GraphQL request with exactly the given headers. */
async function post(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, ...(options.variables ? { variables: options.variables } : {}) }),
  });
  const text = await response.text();
  let body: RawResponse['body'];
  try {
    body = JSON.parse(text) as RawResponse['body'];
  } catch {
    throw new Error(`Not JSON (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  return { status: response.status, headers: response.headers, text, body };
}

function expectRefused(response: RawResponse, reason?: string): void {
  expect(response.status).toBe(401);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  if (reason !== undefined) expect(response.body.errors?.[0]?.extensions?.reason).toBe(reason);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('a subgraph called around the router', () => {
  const ME = '{ me { id email roles } }';
  const SERVICE = '{ _service { sdl } }';
  const ENTITIES =
    'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id email name } } }';
  let identityUrl: string;
  let entitiesVariables: Record<string, unknown>;
  let user: Caller;

  beforeAll(() => {
    identityUrl = bank.stack.subgraphs.identity!.url;
    entitiesVariables = { representations: [{ __typename: 'User', id: customer.id }] };
    user = { kind: 'user', userId: customer.id, roles: ['CUSTOMER'] };
  });

  const routerSigned = (caller: Caller, query: string, variables?: Record<string, unknown>) =>
    signCallerHeader(callerKeyOf(bank.config, 'identity')!, caller, query, variables);

  test('control: with a valid router signature the subgraph answers all three', async () => {
    const me = await post(identityUrl, ME, { headers: { [CALLER_HEADER]: routerSigned(user, ME) } });
    expect(me.status).toBe(200);
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data).toEqual({ me: { id: customer.id, email: 'trust@example.com', roles: ['CUSTOMER'] } });

    const entities = await post(identityUrl, ENTITIES, {
      variables: entitiesVariables,
      headers: { [CALLER_HEADER]: routerSigned(user, ENTITIES, entitiesVariables) },
    });
    expect(entities.status).toBe(200);
    expect(entities.body.errors).toBeUndefined();
    expect(entities.body.data).toEqual({
      _entities: [{ id: customer.id, email: 'trust@example.com', name: 'Tru St' }],
    });

    const service = await post(identityUrl, SERVICE, {
      headers: { [CALLER_HEADER]: routerSigned({ kind: 'anonymous' }, SERVICE) },
    });
    expect(service.status).toBe(200);
    expect((service.body.data as { _service: { sdl: string } })._service.sdl).toContain('type User');
  });

  test('the subgraph writes its result as compact JSON, with nothing but the result', async () => {
    const me = await post(identityUrl, ME, { headers: { [CALLER_HEADER]: routerSigned(user, ME) } });
    expect(me.body.data).toEqual({ me: { id: customer.id, email: 'trust@example.com', roles: ['CUSTOMER'] } });
    expect(me.text).toBe(JSON.stringify(me.body));
  });

  test('without the caller header: a normal query is refused', async () => {
    expectRefused(await post(identityUrl, ME));
  });

  test('without the caller header: _entities is refused', async () => {
    expectRefused(await post(identityUrl, ENTITIES, { variables: entitiesVariables }));
  });

  test('without the caller header: _service is refused', async () => {
    expectRefused(await post(identityUrl, SERVICE));
  });

  test('an empty caller header is refused', async () => {
    expectRefused(await post(identityUrl, SERVICE, { headers: { [CALLER_HEADER]: '' } }));
  });

  test("a caller header signed with another subgraph's key, another deployment's or the router secret is refused", async () => {
    const otherKeys = [
      // What banking holds: a subgraph cannot speak for the router to another subgraph.
      callerKeyOf(bank.config, 'banking')!,
      callerKeyFor(generateAes256Key(), 'identity'),
      bank.config.keys.routerCallerSecret!,
    ];
    for (const key of otherKeys) {
      for (const [query, variables] of [[ME], [ENTITIES, entitiesVariables], [SERVICE]] as const) {
        const header = signCallerHeader(key, user, query, variables);
        expectRefused(
          await post(identityUrl, query, { ...(variables ? { variables } : {}), headers: { [CALLER_HEADER]: header } }),
        );
      }
    }
  });

  test('a valid router signature for a different operation is refused (no replay)', async () => {
    // A header the router really signed, for `{ _service { sdl } }`...
    const forService = routerSigned(user, SERVICE);
    // ...cannot be used for `_entities` or another query,
    expectRefused(
      await post(identityUrl, ENTITIES, { variables: entitiesVariables, headers: { [CALLER_HEADER]: forService } }),
    );
    expectRefused(await post(identityUrl, ME, { headers: { [CALLER_HEADER]: forService } }));
    // ...not even for the same operation with one more field.
    const forMe = routerSigned(user, ME);
    expectRefused(await post(identityUrl, '{ me { id email roles name } }', { headers: { [CALLER_HEADER]: forMe } }));
  });

  test('a valid router signature for the same operation with other variables is refused', async () => {
    const forCustomer = routerSigned(user, ENTITIES, entitiesVariables);
    const otherUser = { representations: [{ __typename: 'User', id: '00000000-0000-4000-8000-000000000001' }] };
    expectRefused(
      await post(identityUrl, ENTITIES, { variables: otherUser, headers: { [CALLER_HEADER]: forCustomer } }),
    );
  });

  test('an expired router signature is refused', async () => {
    const header = jwt.sign(
      { sub: customer.id, roles: ['CUSTOMER'], op: operationHash(ME), iat: nowSeconds() - 120, exp: nowSeconds() - 60 },
      secretKeyObject(callerKeyOf(bank.config, 'identity')!),
      { algorithm: 'HS256', issuer: 'bank-router', audience: 'bank-subgraphs' },
    );
    expectRefused(await post(identityUrl, ME, { headers: { [CALLER_HEADER]: header } }));
  });

  test("a caller header with alg none, or signed ES256 in the router's name with the services' key, is refused", async () => {
    const claims = {
      sub: customer.id,
      roles: ['ADMIN'],
      op: operationHash(ME),
      iss: 'bank-router',
      aud: 'bank-subgraphs',
      iat: nowSeconds(),
      exp: nowSeconds() + 30,
    };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expectRefused(await post(identityUrl, ME, { headers: { [CALLER_HEADER]: none } }));

    // Identity itself signs service calls with this key; the router's headers are HMACs only.
    const es256 = jwt.sign(claims, bank.config.keys.serviceSigningPrivateKey!, { algorithm: 'ES256' });
    expectRefused(await post(identityUrl, ME, { headers: { [CALLER_HEADER]: es256 } }));
  });

  test('an access token sent straight to the subgraph is ignored: still refused', async () => {
    const headers = { authorization: `Bearer ${customer.accessToken}` };
    expectRefused(await post(identityUrl, ME, { headers }));
    expectRefused(await post(identityUrl, ENTITIES, { variables: entitiesVariables, headers }));
    expectRefused(await post(identityUrl, SERVICE, { headers }));
  });

  test('an access token in the caller header is not a router signature', async () => {
    expectRefused(await post(identityUrl, ME, { headers: { [CALLER_HEADER]: customer.accessToken } }));
  });
});

describe('bad access tokens at the router', () => {
  const ME = '{ me { id roles } }';
  const atRouter = (authorization: string) => post(bank.routerUrl, ME, { headers: { authorization } });
  const bearer = (token: string) => atRouter(`Bearer ${token}`);
  let adminId: string;

  beforeAll(async () => {
    const login = await post(
      bank.routerUrl,
      'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }',
      {
        variables: { e: TEST_ADMIN.email, p: TEST_ADMIN.password },
      },
    );
    adminId = (login.body.data as { login: { user: { id: string } } }).login.user.id;
  });

  /** Claims that would be accepted if the signature were: an ADMIN, valid for ten minutes. */
  const adminClaims = () => ({
    sub: adminId,
    roles: ['ADMIN'],
    iss: ACCESS_TOKEN_ISSUER,
    aud: ACCESS_TOKEN_AUDIENCE,
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
  });

  test('control: a real access token works', async () => {
    const ok = await bearer(customer.accessToken);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data).toEqual({ me: { id: customer.id, roles: ['CUSTOMER'] } });
    // The typed client sees the same.
    const me = await bank.request(MeDocument, {}, customer.accessToken);
    expect(me.data?.me?.id).toBe(customer.id);
  });

  test('the router writes its result as compact JSON, with nothing but the result', async () => {
    const ok = await bearer(customer.accessToken);
    expect(ok.text).toBe(JSON.stringify(ok.body));
  });

  test('alg none is refused', async () => {
    expectRefused(await bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(adminClaims())}.`), 'TOKEN_INVALID');
    // Upper-case variant and without the trailing dot.
    expectRefused(await bearer(`${b64url({ alg: 'NONE', typ: 'JWT' })}.${b64url(adminClaims())}.`), 'TOKEN_INVALID');
    expectRefused(await bearer(`${b64url({ alg: 'none' })}.${b64url(adminClaims())}`), 'TOKEN_INVALID');
  });

  test('HS256 keyed with the public key PEM (algorithm confusion) is refused', async () => {
    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(adminClaims())}`;
    const mac = createHmac('sha256', bank.config.keys.jwtPublicKey!).update(signingInput).digest('base64url');
    expectRefused(await bearer(`${signingInput}.${mac}`), 'TOKEN_INVALID');
  });

  test('an expired token is refused with reason TOKEN_EXPIRED', async () => {
    const expired = jwt.sign(
      { roles: ['CUSTOMER'], iat: nowSeconds() - 1_000, exp: nowSeconds() - 60 },
      bank.config.keys.jwtPrivateKey!,
      { algorithm: 'ES256', issuer: 'bank-identity', audience: 'bank-api', subject: customer.id },
    );
    expectRefused(await bearer(expired), 'TOKEN_EXPIRED');
  });

  test('an expired token from another key is TOKEN_INVALID, not TOKEN_EXPIRED', async () => {
    const expired = jwt.sign(
      { roles: ['CUSTOMER'], iat: nowSeconds() - 1_000, exp: nowSeconds() - 60 },
      generateEs256KeyPair().privateKey,
      { algorithm: 'ES256', issuer: 'bank-identity', audience: 'bank-api', subject: customer.id },
    );
    expectRefused(await bearer(expired), 'TOKEN_INVALID');
  });

  test('a token with a tampered payload is refused', async () => {
    const [header, payload, signature] = customer.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims.sub).toBe(customer.id);
    const elevated = b64url({ ...claims, roles: ['ADMIN'] });
    expectRefused(await bearer(`${header}.${elevated}.${signature}`), 'TOKEN_INVALID');
    const otherUser = b64url({ ...claims, sub: adminId });
    expectRefused(await bearer(`${header}.${otherUser}.${signature}`), 'TOKEN_INVALID');
    // A flipped signature character too.
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expectRefused(await bearer(`${header}.${payload}.${flipped}`), 'TOKEN_INVALID');
  });

  test('a token signed by another ES256 key is refused', async () => {
    const foreign = jwt.sign({ roles: ['ADMIN'] }, generateEs256KeyPair().privateKey, {
      algorithm: 'ES256',
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      subject: adminId,
      expiresIn: 600,
    });
    expectRefused(await bearer(foreign), 'TOKEN_INVALID');
  });

  test("a token signed with the router's caller secret is refused", async () => {
    const confused = jwt.sign({ roles: ['ADMIN'] }, secretKeyObject(bank.config.keys.routerCallerSecret!), {
      algorithm: 'HS256',
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      subject: adminId,
      expiresIn: 600,
    });
    expectRefused(await bearer(confused), 'TOKEN_INVALID');
  });

  test('a token for another audience or from another issuer is refused', async () => {
    const sign = (issuer: string, audience: string) =>
      jwt.sign({ roles: ['CUSTOMER'] }, bank.config.keys.jwtPrivateKey!, {
        algorithm: 'ES256',
        issuer,
        audience,
        subject: customer.id,
        expiresIn: 600,
      });
    // Control: the same recipe with the right audience and issuer is accepted.
    const control = await bearer(sign(ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_AUDIENCE));
    expect(control.status).toBe(200);
    expect(control.body.data).toEqual({ me: { id: customer.id, roles: ['CUSTOMER'] } });

    expectRefused(await bearer(sign(ACCESS_TOKEN_ISSUER, 'bank-subgraphs')), 'TOKEN_INVALID');
    expectRefused(await bearer(sign(ACCESS_TOKEN_ISSUER, 'another-api')), 'TOKEN_INVALID');
    expectRefused(await bearer(sign('bank-router', ACCESS_TOKEN_AUDIENCE)), 'TOKEN_INVALID');
  });

  test('a router caller header presented as an access token is refused', async () => {
    const header = signCallerHeader(
      callerKeyOf(bank.config, 'identity')!,
      { kind: 'user', userId: adminId, roles: ['ADMIN'] },
      ME,
    );
    expectRefused(await bearer(header), 'TOKEN_INVALID');
  });

  test('Authorization: Basic and other non-Bearer values are refused', async () => {
    expectRefused(await atRouter('Basic abc'), 'TOKEN_INVALID');
    expectRefused(await atRouter('Bearer'), 'TOKEN_INVALID');
    expectRefused(await atRouter(`Token ${customer.accessToken}`), 'TOKEN_INVALID');
    expectRefused(await atRouter('Bearer not.a.jwt'), 'TOKEN_INVALID');
  });

  test('a refused token refuses mutations too, before anything runs', async () => {
    const forged = `${b64url({ alg: 'none' })}.${b64url(adminClaims())}.`;
    const response = await post(
      bank.routerUrl,
      'mutation { createStaffUser(input: { email: "forged@test.bank", password: "forged-password-123", name: "F", role: ADMIN }) { id } }',
      { headers: { authorization: `Bearer ${forged}` } },
    );
    expectRefused(response, 'TOKEN_INVALID');
    // The staff user does not exist.
    const login = await post(
      bank.routerUrl,
      'mutation { login(email: "forged@test.bank", password: "forged-password-123") { accessToken } }',
    );
    expect(login.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('request ids', () => {
  const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

  test('every response carries an x-request-id, a fresh one per request', async () => {
    const first = await post(bank.routerUrl, '{ __typename }');
    const second = await post(bank.routerUrl, '{ __typename }');
    const a = first.headers.get('x-request-id');
    const b = second.headers.get('x-request-id');
    expect(a).toMatch(REQUEST_ID);
    expect(b).toMatch(REQUEST_ID);
    expect(a).not.toBe(b);
  });

  test('a well-formed client x-request-id is echoed back', async () => {
    const id = 'client-trace-0123456789';
    const ok = await post(bank.routerUrl, '{ me { id } }', { headers: { 'x-request-id': id } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe(id);
    // Also on a refused request.
    const refused = await post(bank.routerUrl, '{ me { id } }', {
      headers: { 'x-request-id': id, authorization: 'Basic abc' },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe(id);
  });

  test('a malformed client x-request-id is replaced', async () => {
    for (const bad of ['short', 'has spaces in it', 'semi;colon;injection', 'x'.repeat(200)]) {
      const response = await post(bank.routerUrl, '{ __typename }', { headers: { 'x-request-id': bad } });
      const echoed = response.headers.get('x-request-id');
      expect(echoed).not.toBe(bad);
      expect(echoed).toMatch(REQUEST_ID);
    }
  });
});

describe('health probes', () => {
  test('/healthz and /readyz on the router answer 200', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(new URL(path, bank.routerUrl));
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveProperty('status');
    }
  });

  test('the identity subgraph has them too, without a router signature', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(new URL(path, bank.stack.subgraphs.identity!.url));
      expect(response.status).toBe(200);
    }
  });
});

describe('request size', () => {
  test('a body over 16 MiB is refused with 413 before it is parsed; one just under is served', async () => {
    const padding = (bytes: number) =>
      JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes) } });
    const over = await fetch(bank.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padding(MAX_BODY_BYTES + 1),
    });
    expect(over.status).toBe(413);
    const refused = (await over.json()) as { errors: { extensions: { code: string } }[] };
    expect(refused.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const under = await fetch(bank.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padding(MAX_BODY_BYTES - 1000),
    });
    expect(under.status).toBe(200);
    expect(await under.json()).toMatchObject({ data: { __typename: 'Query' } });
  });
});
