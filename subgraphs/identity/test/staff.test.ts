/**
 * Staff and roles on the identity subgraph alone: createStaffUser and
 * setUserRoles by the ADMIN only, audited; refusals write nothing; the audit
 * log for ADMINs, newest first, paginated.
 */
import type { Caller } from '../../../platform/caller.ts';
import {
  ANONYMOUS,
  TEST_ADMIN,
  adminCaller,
  firstError,
  login,
  register,
  startIdentity,
  user,
  type GqlBody,
  type IdentityHarness,
  type Json,
} from './support.ts';

let h: IdentityHarness;
let admin: Caller & { kind: 'user' };
let customer: Caller & { kind: 'user' };
let customerId: string;

beforeAll(async () => {
  h = await startIdentity();
  const a = await adminCaller(h);
  admin = a.caller as Caller & { kind: 'user' };
  const c = await register(h, { email: 'customer@example.com', name: 'Carol Customer' });
  customerId = c.user.id;
  customer = user(c.user.id, ['CUSTOMER']) as Caller & { kind: 'user' };
});
afterAll(async () => {
  await h?.close();
});

const CREATE_STAFF = `mutation Staff($input: CreateStaffUserInput!) { createStaffUser(input: $input) { id email name roles } }`;
const SET_ROLES = `mutation Set($input: SetUserRolesInput!) { setUserRoles(input: $input) { id roles } }`;
const AUDIT = `query Audit($first: Int, $after: String, $userId: ID) {
  auditEvents(first: $first, after: $after, userId: $userId) {
    edges { cursor node { id type userId actorId details occurredAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const staffInput = (email: string, role = 'RISK_OFFICER') => ({
  email,
  password: 'staff password 2026!',
  name: 'Rita Risk',
  role,
});

describe('createStaffUser', () => {
  test('the ADMIN creates a RISK_OFFICER, audited with the actor; the new user can sign in', async () => {
    const before = await h.counts();
    const body = await h.gql(CREATE_STAFF, { input: staffInput('Rita@Example.com') }, admin);
    expect(body.errors).toBeUndefined();
    const created = body.data.createStaffUser;
    expect(created).toMatchObject({ email: 'rita@example.com', name: 'Rita Risk', roles: ['RISK_OFFICER'] });

    const [row] = await h.sql<{ roles: string[]; password_hash: string }>(
      'select roles, password_hash from users where id = ?',
      [created.id],
    );
    expect(row!.roles).toEqual(['RISK_OFFICER']);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const [audit] = await h.sql<{ type: string; actor_id: string; details: Record<string, unknown> }>(
      'select type, actor_id, details from audit_events where user_id = ?',
      [created.id],
    );
    expect(audit).toEqual({ type: 'STAFF_USER_CREATED', actor_id: admin.userId, details: { role: 'RISK_OFFICER' } });
    // A user and an audit row; no session is opened for them.
    expect(await h.counts()).toEqual({ ...before, users: before.users + 1, audit_events: before.audit_events + 1 });

    const session = await login(h, 'rita@example.com', 'staff password 2026!');
    expect(session.user.roles).toEqual(['RISK_OFFICER']);
  });

  test('the ADMIN creates another ADMIN', async () => {
    const body = await h.gql(CREATE_STAFF, { input: staffInput('second.admin@example.com', 'ADMIN') }, admin);
    expect(body.errors).toBeUndefined();
    expect(body.data.createStaffUser.roles).toEqual(['ADMIN']);
  });

  const refusals: {
    label: string;
    caller: () => Caller;
    input: Record<string, unknown>;
    code: string;
    field?: string;
  }[] = [
    {
      label: 'by a CUSTOMER: FORBIDDEN',
      caller: () => customer,
      input: staffInput('x1@example.com'),
      code: 'FORBIDDEN',
    },
    {
      label: 'by a RISK_OFFICER: FORBIDDEN',
      caller: () => user(customerId, ['RISK_OFFICER']),
      input: staffInput('x2@example.com'),
      code: 'FORBIDDEN',
    },
    {
      label: 'anonymous: UNAUTHENTICATED',
      caller: () => ANONYMOUS,
      input: staffInput('x3@example.com'),
      code: 'UNAUTHENTICATED',
    },
    {
      label: 'role CUSTOMER: BAD_USER_INPUT',
      caller: () => admin,
      input: staffInput('x4@example.com', 'CUSTOMER'),
      code: 'BAD_USER_INPUT',
      field: 'role',
    },
    {
      label: 'role BANKER: BAD_USER_INPUT',
      caller: () => admin,
      input: staffInput('x5@example.com', 'BANKER'),
      code: 'BAD_USER_INPUT',
      field: 'role',
    },
    {
      label: 'weak password: BAD_USER_INPUT',
      caller: () => admin,
      input: { ...staffInput('x6@example.com'), password: 'short' },
      code: 'BAD_USER_INPUT',
      field: 'password',
    },
    {
      label: 'malformed email: BAD_USER_INPUT',
      caller: () => admin,
      input: staffInput('not an email'),
      code: 'BAD_USER_INPUT',
      field: 'email',
    },
    {
      label: 'duplicate email: BAD_USER_INPUT',
      caller: () => admin,
      input: staffInput('CUSTOMER@example.com'),
      code: 'BAD_USER_INPUT',
      field: 'email',
    },
    {
      label: 'empty name: BAD_USER_INPUT',
      caller: () => admin,
      input: { ...staffInput('x7@example.com'), name: ' ' },
      code: 'BAD_USER_INPUT',
      field: 'name',
    },
    {
      label: 'unknown role value: BAD_USER_INPUT',
      caller: () => admin,
      input: staffInput('x8@example.com', 'ROOT'),
      code: 'BAD_USER_INPUT',
    },
  ];

  test.each(refusals)('$label, nothing written', async ({ caller, input, code, field }) => {
    const before = await h.counts();
    const body = await h.gql(CREATE_STAFF, { input }, caller());
    expect(body.data ?? null).toBeNull();
    const error = firstError(body);
    expect(error.extensions.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    expect(await h.counts()).toEqual(before);
  });

  test('a forbidden caller learns nothing about the input (authorization before validation)', async () => {
    const body = await h.gql(CREATE_STAFF, { input: staffInput('customer@example.com', 'CUSTOMER') }, customer);
    expect(firstError(body).extensions.code).toBe('FORBIDDEN');
  });
});

describe('setUserRoles', () => {
  test('the ADMIN changes roles, audited as ROLES_CHANGED with actorId', async () => {
    const target = await register(h, { email: 'to-promote@example.com' });
    const body = await h.gql(
      SET_ROLES,
      { input: { userId: target.user.id, roles: ['CUSTOMER', 'BUSINESS_OWNER', 'CUSTOMER'] } },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.setUserRoles).toEqual({ id: target.user.id, roles: ['CUSTOMER', 'BUSINESS_OWNER'] });

    const [row] = await h.sql<{ roles: string[] }>('select roles from users where id = ?', [target.user.id]);
    expect(row!.roles).toEqual(['CUSTOMER', 'BUSINESS_OWNER']);
    const audit = await h.sql<{ actor_id: string; details: Record<string, unknown> }>(
      `select actor_id, details from audit_events where type = 'ROLES_CHANGED' and user_id = ?`,
      [target.user.id],
    );
    expect(audit).toEqual([{ actor_id: admin.userId, details: { from: 'CUSTOMER', to: 'CUSTOMER,BUSINESS_OWNER' } }]);
  });

  test('the auditEvents query shows the change with its actorId', async () => {
    const target = await register(h, { email: 'to-bank@example.com' });
    await h.gql(SET_ROLES, { input: { userId: target.user.id, roles: ['BANKER'] } }, admin);
    const body = await h.gql(AUDIT, { userId: target.user.id }, admin);
    expect(body.errors).toBeUndefined();
    const nodes = body.data.auditEvents.edges.map((e: { node: unknown }) => e.node);
    expect(nodes[0]).toMatchObject({ type: 'ROLES_CHANGED', userId: target.user.id, actorId: admin.userId });
    expect(JSON.parse(nodes[0].details)).toEqual({ from: 'CUSTOMER', to: 'BANKER' });
    expect(nodes[1]).toMatchObject({ type: 'USER_REGISTERED', userId: target.user.id, actorId: null });
  });

  const roleRefusals: {
    label: string;
    caller: () => Caller;
    input: () => Record<string, unknown>;
    code: string;
    field?: string;
  }[] = [
    {
      label: 'an ADMIN removing their own ADMIN role: BAD_USER_INPUT',
      caller: () => admin,
      input: () => ({ userId: admin.userId, roles: ['RISK_OFFICER'] }),
      code: 'BAD_USER_INPUT',
      field: 'roles',
    },
    {
      label: 'an unknown user: NOT_FOUND',
      caller: () => admin,
      input: () => ({ userId: '00000000-0000-4000-8000-000000000000', roles: ['CUSTOMER'] }),
      code: 'NOT_FOUND',
    },
    {
      label: 'a userId that is not a UUID: BAD_USER_INPUT',
      caller: () => admin,
      input: () => ({ userId: 'abc', roles: ['CUSTOMER'] }),
      code: 'BAD_USER_INPUT',
      field: 'userId',
    },
    {
      label: 'no roles: BAD_USER_INPUT',
      caller: () => admin,
      input: () => ({ userId: customerId, roles: [] }),
      code: 'BAD_USER_INPUT',
      field: 'roles',
    },
    {
      label: 'an unknown role value: BAD_USER_INPUT',
      caller: () => admin,
      input: () => ({ userId: customerId, roles: ['GOD'] }),
      code: 'BAD_USER_INPUT',
    },
    {
      label: 'by a CUSTOMER: FORBIDDEN',
      caller: () => customer,
      input: () => ({ userId: customerId, roles: ['ADMIN'] }),
      code: 'FORBIDDEN',
    },
    {
      label: 'anonymous: UNAUTHENTICATED',
      caller: () => ANONYMOUS,
      input: () => ({ userId: customerId, roles: ['ADMIN'] }),
      code: 'UNAUTHENTICATED',
    },
  ];

  test.each(roleRefusals)('$label, nothing written', async ({ caller, input, code, field }) => {
    const before = await h.counts();
    const rolesBefore = await h.sql<{ id: string; roles: string[] }>('select id, roles from users order by id');
    const body = await h.gql(SET_ROLES, { input: input() }, caller());
    expect(body.data ?? null).toBeNull();
    const error = firstError(body);
    expect(error.extensions.code).toBe(code);
    if (field) expect(error.extensions.field).toBe(field);
    expect(await h.counts()).toEqual(before);
    expect(await h.sql('select id, roles from users order by id')).toEqual(rolesBefore);
  });

  test('an ADMIN may keep ADMIN while adding roles to themself', async () => {
    const body = await h.gql(SET_ROLES, { input: { userId: admin.userId, roles: ['ADMIN', 'RISK_OFFICER'] } }, admin);
    expect(body.errors).toBeUndefined();
    expect(body.data.setUserRoles.roles).toEqual(['ADMIN', 'RISK_OFFICER']);
    const reset = await h.gql(SET_ROLES, { input: { userId: admin.userId, roles: ['ADMIN'] } }, admin);
    expect(reset.errors).toBeUndefined();
  });
});

describe('auditEvents', () => {
  test.each([
    ['a CUSTOMER', () => customer, 'FORBIDDEN'],
    ['a RISK_OFFICER', () => user(customerId, ['RISK_OFFICER']), 'FORBIDDEN'],
    ['a BANKER', () => user(customerId, ['BANKER']), 'FORBIDDEN'],
    ['anonymous', () => ANONYMOUS, 'UNAUTHENTICATED'],
  ] as const)('refused to %s', async (_who, caller, code) => {
    const body = await h.gql(AUDIT, { first: 5 }, caller());
    expect(body.data ?? null).toBeNull();
    expect(firstError(body).extensions.code).toBe(code);
  });

  test('newest first; first/after pages are disjoint and cover every event', async () => {
    // More events, so that several pages are needed.
    for (let i = 0; i < 5; i++) await register(h, { email: `pager${i}@example.com` });
    await login(h, TEST_ADMIN.email, TEST_ADMIN.password);

    const total = await h.count('audit_events');
    expect(total).toBeGreaterThan(14);
    const seen: { id: string; occurredAt: string }[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const body: GqlBody = await h.gql(AUDIT, { first: 7, after }, admin);
      expect(body.errors).toBeUndefined();
      const { edges, pageInfo }: { edges: Json[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
        body.data.auditEvents;
      pages++;
      expect(edges.length).toBeLessThanOrEqual(7);
      seen.push(...edges.map((e: { node: { id: string; occurredAt: string } }) => e.node));
      if (edges.length > 0) expect(pageInfo.endCursor).toBe(edges.at(-1).cursor);
      if (!pageInfo.hasNextPage) break;
      expect(edges).toHaveLength(7);
      after = pageInfo.endCursor;
      if (pages > 50) throw new Error('pagination does not end');
    }
    expect(pages).toBe(Math.ceil(total / 7));
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(total);
    const dbIds = (await h.sql<{ id: string }>('select id from audit_events')).map((r) => r.id);
    expect([...ids].sort()).toEqual(dbIds.sort());
    // Newest first.
    const times = seen.map((e) => new Date(e.occurredAt).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // The newest event is the admin's latest sign-in.
    const [newest] = await h.sql<{ id: string }>(
      'select id from audit_events order by occurred_at desc, id desc limit 1',
    );
    expect(ids[0]).toBe(newest!.id);
  });

  test('the default page is 20 events', async () => {
    const body = await h.gql(AUDIT, {}, admin);
    expect(body.errors).toBeUndefined();
    expect(body.data.auditEvents.edges).toHaveLength(Math.min(20, await h.count('audit_events')));
  });

  test('filtered by userId', async () => {
    const body = await h.gql(AUDIT, { userId: customerId, first: 100 }, admin);
    expect(body.errors).toBeUndefined();
    const nodes = body.data.auditEvents.edges.map((e: { node: { userId: string } }) => e.node);
    expect(nodes.length).toBe(await h.count('audit_events', 'user_id = ?', [customerId]));
    expect(nodes.every((n: { userId: string }) => n.userId === customerId)).toBe(true);
  });

  test.each([
    ['not base64 JSON', 'this is not a cursor'],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    ['an array of the wrong length', Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z'])).toString('base64url')],
  ])('a bad cursor (%s) is BAD_USER_INPUT', async (_label, cursor) => {
    const body = await h.gql(AUDIT, { first: 5, after: cursor }, admin);
    expect(body.data ?? null).toBeNull();
    expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('a cursor of the right shape with a bad timestamp or id is BAD_USER_INPUT, not an internal error', async () => {
    for (const key of [
      ['not a date', '00000000-0000-4000-8000-000000000000'],
      ['2026-01-01T00:00:00.000Z', 'not-a-uuid'],
    ]) {
      const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
      const body = await h.gql(AUDIT, { first: 5, after: cursor }, admin);
      expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  test('a userId filter that is not a UUID is BAD_USER_INPUT', async () => {
    const body = await h.gql(AUDIT, { first: 5, userId: 'abc' }, admin);
    expect(body.data ?? null).toBeNull();
    expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
  });

  test.each([0, 101, -1])('first: %i is BAD_USER_INPUT', async (first) => {
    const body = await h.gql(AUDIT, { first }, admin);
    expect(body.data ?? null).toBeNull();
    expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  test('first: 100 is allowed', async () => {
    const body = await h.gql(AUDIT, { first: 100 }, admin);
    expect(body.errors).toBeUndefined();
  });
});
