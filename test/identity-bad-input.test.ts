/**
 * End to end through the router: bad input to identity gets a clear error
 * from the catalogue and changes nothing.
 *
 * "Nothing was written" is checked twice: the ADMIN's audit log reads the
 * same before and after the refused request (every sign-up and staff
 * creation is audited in the same transaction as the user row), and signing
 * in with the refused credentials fails.
 */
import {
  AuditEventsDocument,
  CreateStaffUserDocument,
  LoginDocument,
  MeDocument,
  RegisterDocument,
  type AuditEventsQuery,
  type RegisterInput,
  type Role,
} from './generated/operations.ts';
import { startTestStack, TEST_ADMIN, type GraphQLResult, type TestStack } from './support/stack.ts';

let bank: TestStack;
let adminToken: string;
let adminId: string;

beforeAll(async () => {
  bank = await startTestStack();
  const login = await bank.request(LoginDocument, TEST_ADMIN);
  expect(login.errors).toBeUndefined();
  adminToken = login.data!.login.accessToken;
  adminId = login.data!.login.user.id;
});
afterAll(async () => {
  await bank?.close();
});

const PASSWORD = 'correct horse battery staple';

type AuditNode = AuditEventsQuery['auditEvents']['edges'][number]['node'];

/** The newest page of the audit log, read by the ADMIN (reading it writes nothing). */
async function auditLog(): Promise<AuditNode[]> {
  const result = await bank.request(AuditEventsDocument, { first: 100 }, adminToken);
  expect(result.errors).toBeUndefined();
  return result.data!.auditEvents.edges.map((e) => e.node);
}

/** Runs `refused` and checks the audit log did not change. */
async function expectNothingWritten<T>(refused: () => Promise<T>): Promise<T> {
  const before = await auditLog();
  const result = await refused();
  const after = await auditLog();
  expect(after).toEqual(before);
  return result;
}

function firstError(result: GraphQLResult<unknown>) {
  expect(result.errors).toHaveLength(1);
  return result.errors![0]!;
}

async function expectLoginFails(email: string, password: string): Promise<void> {
  const login = await bank.request(LoginDocument, { email, password });
  expect(login.data ?? null).toBeNull();
  expect(firstError(login).extensions.code).toBe('UNAUTHENTICATED');
}

function registerInput(overrides: Partial<RegisterInput>): RegisterInput {
  return { email: 'someone@example.com', password: PASSWORD, name: 'Some One', role: 'CUSTOMER', ...overrides };
}

describe('register refuses bad input and writes nothing', () => {
  test('control: a good sign-up is written and audited', async () => {
    const before = await auditLog();
    const ok = await bank.request(RegisterDocument, { input: registerInput({ email: 'control@example.com' }) });
    expect(ok.errors).toBeUndefined();
    const after = await auditLog();
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({ type: 'USER_REGISTERED', userId: ok.data!.register.user.id });
    const login = await bank.request(LoginDocument, { email: 'control@example.com', password: PASSWORD });
    expect(login.errors).toBeUndefined();
  });

  test.each(['not-an-email', 'ada@', '@example.com', 'ada lovelace@example.com', 'ada@@example.com', ''])(
    'malformed email %j: BAD_USER_INPUT on field email',
    async (email) => {
      const result = await expectNothingWritten(() =>
        bank.request(RegisterDocument, { input: registerInput({ email }) }),
      );
      expect(result.data ?? null).toBeNull();
      const error = firstError(result);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
      expect(error.message).toMatch(/email/i);
      await expectLoginFails(email, PASSWORD);
    },
  );

  // One email per case: the failed sign-ins that prove nothing was written count towards the lock of that email.
  test.each([
    ['too short', 'short.pw@example.com', 'short-pw'],
    ['11 characters', 'eleven.pw@example.com', 'abcdefghijk'],
    ['longer than 128 characters', 'long.pw@example.com', 'p'.repeat(129)],
    ['containing the email', 'mail.pw@example.com', 'mail.pw@example.com-1234'],
    ['containing the local part of the email', 'local.pw@example.com', 'my-local.pw-password'],
  ])('weak password (%s): BAD_USER_INPUT on field password, saying the rule', async (_what, email, password) => {
    const result = await expectNothingWritten(() =>
      bank.request(RegisterDocument, { input: registerInput({ email, password }) }),
    );
    expect(result.data ?? null).toBeNull();
    const error = firstError(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(error.message).toContain('12');
    expect(error.message).toContain('128');
    await expectLoginFails(email, password);
  });

  test('duplicate email (in any case): BAD_USER_INPUT on field email; the first account is untouched', async () => {
    const first = await bank.request(RegisterDocument, {
      input: registerInput({ email: 'taken@example.com', name: 'First Owner' }),
    });
    expect(first.errors).toBeUndefined();
    const secondPassword = 'a different password entirely';

    for (const email of ['taken@example.com', 'TAKEN@Example.com', '  taken@example.com  ']) {
      const again = await expectNothingWritten(() =>
        bank.request(RegisterDocument, {
          input: registerInput({
            email,
            password: secondPassword,
            name: 'Second Comer',
            role: 'BANKER',
            institution: 'Elsewhere',
          }),
        }),
      );
      expect(again.data ?? null).toBeNull();
      expect(firstError(again).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    }

    await expectLoginFails('taken@example.com', secondPassword);
    const login = await bank.request(LoginDocument, { email: 'taken@example.com', password: PASSWORD });
    expect(login.errors).toBeUndefined();
    const me = await bank.request(MeDocument, {}, login.data!.login.accessToken);
    expect(me.data?.me).toMatchObject({
      id: first.data!.register.user.id,
      name: 'First Owner',
      roles: ['CUSTOMER'],
      bankerProfile: null,
    });
  });

  test.each(['ADMIN', 'RISK_OFFICER'] as const)(
    'staff role %s in register: BAD_USER_INPUT on field role',
    async (role) => {
      const email = `wannabe-${role.toLowerCase()}@example.com`;
      const result = await expectNothingWritten(() =>
        bank.request(RegisterDocument, { input: registerInput({ email, role }) }),
      );
      expect(result.data ?? null).toBeNull();
      const error = firstError(result);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
      await expectLoginFails(email, PASSWORD);
    },
  );

  test('unknown role "WIZARD" as a variable value: BAD_USER_INPUT', async () => {
    const email = 'wizard@example.com';
    const result = await expectNothingWritten(() =>
      bank.request(RegisterDocument, { input: registerInput({ email, role: 'WIZARD' as unknown as Role }) }),
    );
    expect(result.data ?? null).toBeNull();
    const error = firstError(result);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('WIZARD');
    await expectLoginFails(email, PASSWORD);
  });

  test('unknown role written in the document: GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await expectNothingWritten(() =>
      rawPost(
        `mutation { register(input: { email: "wizard2@example.com", password: "${PASSWORD}", name: "W", role: WIZARD }) { accessToken } }`,
      ),
    );
    expect(response.status).toBe(400);
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await expectLoginFails('wizard2@example.com', PASSWORD);
  });

  test('profile fields of another role: BAD_USER_INPUT on that field', async () => {
    const email = 'mixed@example.com';
    const result = await expectNothingWritten(() =>
      bank.request(RegisterDocument, { input: registerInput({ email, role: 'CUSTOMER', institution: 'Some Bank' }) }),
    );
    expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'institution' });
    const owner = await expectNothingWritten(() =>
      bank.request(RegisterDocument, { input: registerInput({ email, role: 'BUSINESS_OWNER' }) }),
    );
    expect(firstError(owner).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'businessName' });
    await expectLoginFails(email, PASSWORD);
  });
});

describe('createStaffUser', () => {
  const staff = {
    email: 'risk.officer@test.bank',
    password: 'risk officer password 1',
    name: 'Rita Risk',
    role: 'RISK_OFFICER' as const,
  };

  test('as a CUSTOMER: FORBIDDEN, nothing written', async () => {
    const customer = await bank.request(RegisterDocument, { input: registerInput({ email: 'climber@example.com' }) });
    expect(customer.errors).toBeUndefined();
    const token = customer.data!.register.accessToken;
    const result = await expectNothingWritten(() => bank.request(CreateStaffUserDocument, { input: staff }, token));
    expect(result.data ?? null).toBeNull();
    expect(firstError(result).extensions.code).toBe('FORBIDDEN');
    await expectLoginFails(staff.email, staff.password);
    // The customer did not become staff either.
    const me = await bank.request(MeDocument, {}, token);
    expect(me.data?.me?.roles).toEqual(['CUSTOMER']);
  });

  test('as anonymous: UNAUTHENTICATED, nothing written', async () => {
    const result = await expectNothingWritten(() => bank.request(CreateStaffUserDocument, { input: staff }));
    expect(result.data ?? null).toBeNull();
    expect(firstError(result).extensions.code).toBe('UNAUTHENTICATED');
    await expectLoginFails(staff.email, staff.password);
  });

  test('as the ADMIN with a self-service role: BAD_USER_INPUT on field role', async () => {
    const input = { ...staff, email: 'not.staff@test.bank', role: 'CUSTOMER' as const };
    const result = await expectNothingWritten(() => bank.request(CreateStaffUserDocument, { input }, adminToken));
    expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
    await expectLoginFails(input.email, input.password);
  });

  test('as the ADMIN with a weak password: BAD_USER_INPUT on field password', async () => {
    const input = { ...staff, email: 'weak.staff@test.bank', password: 'short' };
    const result = await expectNothingWritten(() => bank.request(CreateStaffUserDocument, { input }, adminToken));
    expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(firstError(result).message).toContain('12');
  });

  test('as the ADMIN: works, is audited, and the RISK_OFFICER can sign in', async () => {
    const created = await bank.request(CreateStaffUserDocument, { input: staff }, adminToken);
    expect(created.errors).toBeUndefined();
    expect(created.data?.createStaffUser).toMatchObject({ email: staff.email, roles: ['RISK_OFFICER'] });
    const id = created.data!.createStaffUser.id;

    const [newest] = await auditLog();
    expect(newest).toMatchObject({ type: 'STAFF_USER_CREATED', userId: id, actorId: adminId });

    const login = await bank.request(LoginDocument, { email: staff.email, password: staff.password });
    expect(login.errors).toBeUndefined();
    const me = await bank.request(MeDocument, {}, login.data!.login.accessToken);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ id, email: staff.email, name: 'Rita Risk', roles: ['RISK_OFFICER'] });

    // A RISK_OFFICER is staff but cannot create staff.
    const again = await expectNothingWritten(() =>
      bank.request(
        CreateStaffUserDocument,
        { input: { ...staff, email: 'second.ro@test.bank' } },
        login.data!.login.accessToken,
      ),
    );
    expect(firstError(again).extensions.code).toBe('FORBIDDEN');
  });

  test('as the ADMIN with an email already taken: BAD_USER_INPUT on field email', async () => {
    const result = await expectNothingWritten(() =>
      bank.request(
        CreateStaffUserDocument,
        { input: { ...staff, email: 'control@example.com', role: 'ADMIN' } },
        adminToken,
      ),
    );
    expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});

describe('auditEvents arguments', () => {
  test('first out of range: BAD_USER_INPUT on field first', async () => {
    for (const first of [0, 101, -1]) {
      const result = await bank.request(AuditEventsDocument, { first }, adminToken);
      expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  test('a cursor that is not one: BAD_USER_INPUT on field after', async () => {
    const result = await bank.request(AuditEventsDocument, { after: 'definitely-not-a-cursor' }, adminToken);
    expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('a userId that is not a UUID is bad input, not an internal error', async () => {
    const result = await bank.request(AuditEventsDocument, { userId: 'not-a-uuid' }, adminToken);
    // Refusing it or answering an empty page are both fine; an internal error is not.
    const outcome = result.errors ? result.errors.map((e) => e.extensions.code) : result.data?.auditEvents.edges;
    expect([['BAD_USER_INPUT'], []]).toContainEqual(outcome);
  });

  test('a well-formed cursor with a bad timestamp is BAD_USER_INPUT on field after', async () => {
    const after = Buffer.from(JSON.stringify(['not a date', 'x']), 'utf8').toString('base64url');
    const result = await bank.request(AuditEventsDocument, { after }, adminToken);
    expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('malformed GraphQL', () => {
  test('a document that does not parse: GRAPHQL_PARSE_FAILED', async () => {
    const response = await expectNothingWritten(() =>
      rawPost(
        `mutation { register(input: { email: "parse@example.com", password: "${PASSWORD}", name: "P", role: CUSTOMER }) { accessToken `,
      ),
    );
    expect(response.status).toBe(400);
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    await expectLoginFails('parse@example.com', PASSWORD);
  });

  test('an unknown field: GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await rawPost('{ me { id passwordHash } }', adminToken);
    expect(response.status).toBe(400);
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.body.errors?.[0]?.message).toContain('passwordHash');
  });
});

async function rawPost(query: string, token?: string) {
  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, body };
}
