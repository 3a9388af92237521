/**
 * The User entity (`@key(fields: "id")`) as the router resolves it through
 * `_entities`, who sees its private fields, and the router signature every
 * request to the subgraph must carry (`_entities` and `_service` included).
 */
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CALLER_HEADER, operationHash, signCallerHeader, type Caller } from '../../../platform/caller.ts';
import { callerKeyOf } from '../../../platform/config.ts';
import { secretKeyObject } from '../../../platform/key-objects.ts';
import {
  ANONYMOUS,
  adminCaller,
  firstError,
  foreignCallerKey,
  register,
  startIdentity,
  user,
  type IdentityHarness,
  type Session,
} from './support.ts';

let h: IdentityHarness;
let owner: Session;
let other: Session;
let banker: Session;
let admin: Caller;

beforeAll(async () => {
  h = await startIdentity();
  owner = await register(h, {
    email: 'owner@example.com',
    name: 'Olive Owner',
    role: 'BUSINESS_OWNER',
    businessName: 'Olive Oils',
    registrationNumber: 'REG-42',
    industry: 'Food',
  });
  other = await register(h, { email: 'other@example.com', name: 'Oscar Other' });
  banker = await register(h, {
    email: 'banker@example.com',
    name: 'Bella Banker',
    role: 'BANKER',
    institution: 'First Bank',
    title: 'Lender',
  });
  admin = (await adminCaller(h)).caller;
});
afterAll(async () => {
  await h?.close();
});

const ENTITIES = `query($r:[_Any!]!){ _entities(representations:$r){ ... on User { id name email roles businessProfile { businessName registrationNumber } bankerProfile { institution } } } }`;
const ref = (id: string) => ({ __typename: 'User', id });
const as = (s: Session) => user(s.user.id, s.user.roles);

describe('_entities for User', () => {
  test('as the user themself: email and registration number present', async () => {
    const body = await h.gql(ENTITIES, { r: [ref(owner.user.id)] }, as(owner));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      {
        id: owner.user.id,
        name: 'Olive Owner',
        email: 'owner@example.com',
        roles: ['BUSINESS_OWNER'],
        businessProfile: { businessName: 'Olive Oils', registrationNumber: 'REG-42' },
        bankerProfile: null,
      },
    ]);
  });

  test('as another CUSTOMER: name and business name present, email and registration number null', async () => {
    const body = await h.gql(ENTITIES, { r: [ref(owner.user.id)] }, as(other));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      {
        id: owner.user.id,
        name: 'Olive Owner',
        email: null,
        roles: ['BUSINESS_OWNER'],
        businessProfile: { businessName: 'Olive Oils', registrationNumber: null },
        bankerProfile: null,
      },
    ]);
  });

  test("a BANKER's public profile is visible to a business owner, not the banker's email", async () => {
    const body = await h.gql(ENTITIES, { r: [ref(banker.user.id)] }, as(owner));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0]).toMatchObject({
      name: 'Bella Banker',
      email: null,
      bankerProfile: { institution: 'First Bank' },
      businessProfile: null,
    });
  });

  test('as an ADMIN: email and registration number present', async () => {
    const body = await h.gql(ENTITIES, { r: [ref(owner.user.id)] }, admin);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0]).toMatchObject({
      email: 'owner@example.com',
      businessProfile: { businessName: 'Olive Oils', registrationNumber: 'REG-42' },
    });
  });

  test('as a RISK_OFFICER (staff): email present', async () => {
    const body = await h.gql(ENTITIES, { r: [ref(owner.user.id)] }, user(other.user.id, ['RISK_OFFICER']));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].email).toBe('owner@example.com');
  });

  test('several representations in one request, in order, each with its own visibility', async () => {
    const body = await h.gql(ENTITIES, { r: [ref(other.user.id), ref(owner.user.id), ref(other.user.id)] }, as(other));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((u: { id: string; email: string | null }) => [u.id, u.email])).toEqual([
      [other.user.id, 'other@example.com'],
      [owner.user.id, null],
      [other.user.id, 'other@example.com'],
    ]);
  });

  test('as anonymous: UNAUTHENTICATED, no user data', async () => {
    const body = await h.gql(ENTITIES, { r: [ref(owner.user.id)] }, ANONYMOUS);
    expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body.data ?? null)).not.toContain('Olive');
  });

  test('an unknown id resolves to a null entity', async () => {
    const body = await h.gql(
      ENTITIES,
      { r: [ref('00000000-0000-4000-8000-000000000000'), ref(owner.user.id)] },
      as(other),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0]).toBeNull();
    expect(body.data._entities[1].id).toBe(owner.user.id);
  });

  test('an id that is not a UUID resolves to a null entity, not an internal error', async () => {
    const body = await h.gql(ENTITIES, { r: [ref('not-a-uuid')] }, as(other));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([null]);
  });
});

describe('me', () => {
  test('the signed-in user sees themself, email included', async () => {
    const body = await h.gql(`{ me { id email roles } }`, {}, as(other));
    expect(body).toEqual({ data: { me: { id: other.user.id, email: 'other@example.com', roles: ['CUSTOMER'] } } });
  });

  test('anonymous gets null', async () => {
    expect(await h.gql(`{ me { id } }`, {}, ANONYMOUS)).toEqual({ data: { me: null } });
  });
});

describe('the router signature', () => {
  const operations: [string, string, Record<string, unknown>][] = [
    ['me', `{ me { id } }`, {}],
    ['_entities', ENTITIES, { r: [{ __typename: 'User', id: '00000000-0000-4000-8000-000000000000' }] }],
    ['_service', `{ _service { sdl } }`, {}],
  ];

  test('with a valid signature, _service answers the SDL', async () => {
    const body = await h.gql(`{ _service { sdl } }`, {}, ANONYMOUS);
    expect(body.errors).toBeUndefined();
    expect(body.data._service.sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });

  test.each(operations)(
    'no x-bank-caller header: %s refused with UNAUTHENTICATED and HTTP 401',
    async (_name, query, variables) => {
      const { status, body } = await h.post(query, variables, ANONYMOUS, { [CALLER_HEADER]: undefined });
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
    },
  );

  test.each(operations)('an empty x-bank-caller header: %s refused with 401', async (_name, query, variables) => {
    const { status, body } = await h.post(query, variables, ANONYMOUS, { [CALLER_HEADER]: '' });
    expect(status).toBe(401);
    expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
  });

  test.each(operations)(
    'a header signed with a different key: %s refused with 401',
    async (_name, query, variables) => {
      const forged = signCallerHeader(foreignCallerKey(), admin, query, variables);
      const { status, body } = await h.post(query, variables, ANONYMOUS, { [CALLER_HEADER]: forged });
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
    },
  );

  test.each(operations)(
    'a header signed for a different query text: %s refused with 401',
    async (_name, query, variables) => {
      const header = h.sign(admin, `{ me { id email } }`);
      const { status, body } = await h.post(query, variables, ANONYMOUS, { [CALLER_HEADER]: header });
      expect(status).toBe(401);
      expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
    },
  );

  test('a header that differs from its query only by whitespace is refused', async () => {
    const header = h.sign(admin, `{ me { id } }`);
    const { status } = await h.post(`{ me  { id } }`, {}, ANONYMOUS, { [CALLER_HEADER]: header });
    expect(status).toBe(401);
  });

  test('an expired header is refused', async () => {
    const query = `{ me { id } }`;
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign(
      { roles: ['ADMIN'], op: operationHash(query), iat: now - 120, exp: now - 60 },
      secretKeyObject(callerKeyOf(h.config, 'identity') as string),
      {
        algorithm: 'HS256',
        issuer: 'bank-router',
        audience: 'bank-subgraphs',
        subject: (admin as { userId: string }).userId,
      },
    );
    const { status, body } = await h.post(query, {}, ANONYMOUS, { [CALLER_HEADER]: expired });
    expect(status).toBe(401);
    expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
  });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = (query: string) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: (admin as { userId: string }).userId,
      roles: ['ADMIN'],
      op: operationHash(query),
      iss: 'bank-router',
      aud: 'bank-subgraphs',
      iat: now,
      exp: now + 30,
    };
  };

  test('an unsigned header (alg: none) is refused', async () => {
    const query = `{ me { id } }`;
    const header = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(query))}.`;
    const { status, body } = await h.post(query, {}, ANONYMOUS, { [CALLER_HEADER]: header });
    expect(status).toBe(401);
    expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
  });

  test("a header HMAC-signed with another subgraph's key (what that subgraph holds) is refused", async () => {
    const query = `{ me { id } }`;
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims(query))}`;
    const macWith = (subgraph: 'identity' | 'banking') =>
      createHmac('sha256', Buffer.from(callerKeyOf(h.config, subgraph) as string, 'base64'))
        .update(unsigned)
        .digest('base64url');
    // Control: the same header made with identity's own key is the router's word.
    const control = await h.post(query, {}, ANONYMOUS, { [CALLER_HEADER]: `${unsigned}.${macWith('identity')}` });
    expect(control.status).toBe(200);
    const { status, body } = await h.post(query, {}, ANONYMOUS, {
      [CALLER_HEADER]: `${unsigned}.${macWith('banking')}`,
    });
    expect(status).toBe(401);
    expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
  });

  test('a header signed by the router but for another audience is refused', async () => {
    const query = `{ me { id } }`;
    const header = jwt.sign(
      { roles: ['ADMIN'], op: operationHash(query) },
      secretKeyObject(callerKeyOf(h.config, 'identity') as string),
      {
        algorithm: 'HS256',
        issuer: 'bank-router',
        audience: 'someone-else',
        expiresIn: 30,
        subject: (admin as { userId: string }).userId,
      },
    );
    const { status } = await h.post(query, {}, ANONYMOUS, { [CALLER_HEADER]: header });
    expect(status).toBe(401);
  });

  test('a mutation without the header is refused and writes nothing', async () => {
    const before = await h.counts();
    const { status, body } = await h.post(
      `mutation R($input: RegisterInput!) { register(input: $input) { accessToken } }`,
      {
        input: {
          email: 'sneaky@example.com',
          password: 'correct horse battery staple',
          name: 'Sneaky',
          role: 'CUSTOMER',
        },
      },
      ANONYMOUS,
      { [CALLER_HEADER]: undefined },
    );
    expect(status).toBe(401);
    expect(firstError(body).extensions.code).toBe('UNAUTHENTICATED');
    expect(await h.counts()).toEqual(before);
  });
});

describe('probes', () => {
  test('/healthz answers 200', async () => {
    const res = await fetch(new URL('/healthz', h.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('/readyz answers 200 while the database answers', async () => {
    const res = await fetch(new URL('/readyz', h.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });
});
