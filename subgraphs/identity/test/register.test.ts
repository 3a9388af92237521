/**
 * Sign-up on the identity subgraph alone, on a real PostgreSQL: each
 * self-service role, what is stored, and bad input that must be refused with
 * BAD_USER_INPUT naming the field while writing nothing.
 */
import { sha256 } from '../src/services/auth-service.ts';
import { PASSWORD, REGISTER, decodeJwt, firstError, register, startIdentity, type IdentityHarness } from './support.ts';

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity();
});
afterAll(async () => {
  await h?.close();
});

describe('each self-service role', () => {
  test('CUSTOMER: a session, the user, a hashed password, a refresh token and a USER_REGISTERED audit row', async () => {
    const before = await h.counts();
    const session = await register(h, {
      email: '  Ada.Lovelace@Example.com ',
      name: ' Ada Lovelace ',
      role: 'CUSTOMER',
    });

    expect(session.user).toMatchObject({
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
      roles: ['CUSTOMER'],
      businessProfile: null,
      bankerProfile: null,
    });
    expect(typeof session.accessToken).toBe('string');
    expect(session.refreshToken.length).toBeGreaterThanOrEqual(32);
    expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const claims = decodeJwt(session.accessToken);
    expect(claims.sub).toBe(session.user.id);
    expect(claims.roles).toEqual(['CUSTOMER']);

    const [row] = await h.sql<{ email: string; password_hash: string; roles: string[]; name: string }>(
      'select email, password_hash, roles, name from users where id = ?',
      [session.user.id],
    );
    expect(row).toMatchObject({ email: 'ada.lovelace@example.com', roles: ['CUSTOMER'], name: 'Ada Lovelace' });
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(row!.password_hash).not.toContain(PASSWORD);

    // The refresh token is stored only as its SHA-256.
    expect(
      await h.count('refresh_tokens', 'user_id = ? and token_hash = ?', [
        session.user.id,
        sha256(session.refreshToken),
      ]),
    ).toBe(1);
    expect(await h.count('refresh_tokens', 'token_hash = ?', [session.refreshToken])).toBe(0);

    const audit = await h.sql<{ type: string; details: Record<string, unknown> }>(
      `select type, details from audit_events where user_id = ?`,
      [session.user.id],
    );
    expect(audit).toEqual([{ type: 'USER_REGISTERED', details: { role: 'CUSTOMER' } }]);
    // No secret anywhere in the audit log.
    expect(await h.count('audit_events', `details::text like ?`, [`%${PASSWORD}%`])).toBe(0);

    expect(await h.counts()).toEqual({
      users: before.users + 1,
      refresh_tokens: before.refresh_tokens + 1,
      audit_events: before.audit_events + 1,
    });
  });

  test('BUSINESS_OWNER with its business profile', async () => {
    const session = await register(h, {
      email: 'owner@example.com',
      role: 'BUSINESS_OWNER',
      businessName: 'Lovelace Engines Ltd',
      registrationNumber: 'GB-123456',
      industry: 'Engineering',
    });
    expect(session.user.roles).toEqual(['BUSINESS_OWNER']);
    expect(session.user.businessProfile).toEqual({
      businessName: 'Lovelace Engines Ltd',
      registrationNumber: 'GB-123456',
      industry: 'Engineering',
    });
    expect(session.user.bankerProfile).toBeNull();
    const [row] = await h.sql<{ business_name: string; registration_number: string; institution: string | null }>(
      'select business_name, registration_number, institution from users where id = ?',
      [session.user.id],
    );
    expect(row).toEqual({ business_name: 'Lovelace Engines Ltd', registration_number: 'GB-123456', institution: null });
    expect(await h.count('audit_events', `type = 'USER_REGISTERED' and user_id = ?`, [session.user.id])).toBe(1);
  });

  test('BANKER with its banker profile', async () => {
    const session = await register(h, {
      email: 'banker@example.com',
      role: 'BANKER',
      institution: 'First Bank',
      title: 'Senior Commercial Lender',
      bio: 'Twenty years of lending.',
    });
    expect(session.user.roles).toEqual(['BANKER']);
    expect(session.user.bankerProfile).toEqual({
      institution: 'First Bank',
      title: 'Senior Commercial Lender',
      bio: 'Twenty years of lending.',
    });
    expect(session.user.businessProfile).toBeNull();
    expect(await h.count('audit_events', `type = 'USER_REGISTERED' and user_id = ?`, [session.user.id])).toBe(1);
  });
});

describe('bad input gets BAD_USER_INPUT naming the field, and nothing is written', () => {
  beforeAll(async () => {
    await register(h, { email: 'taken@example.com' });
  });

  const base = { email: 'new.person@example.com', password: PASSWORD, name: 'New Person', role: 'CUSTOMER' as const };

  const cases: { label: string; change: Record<string, unknown>; field: string; message: RegExp | null }[] = [
    { label: 'malformed email', change: { email: 'not-an-email' }, field: 'email', message: /valid email/i },
    { label: 'email without a domain', change: { email: 'someone@' }, field: 'email', message: null },
    {
      label: 'password too short',
      change: { password: 'short1!' },
      field: 'password',
      message: /12 to 128 characters/,
    },
    {
      label: 'password too long',
      change: { password: 'x'.repeat(129) },
      field: 'password',
      message: /12 to 128 characters/,
    },
    {
      label: 'password containing the email',
      change: { email: 'grace@example.com', password: 'xxGRACE@EXAMPLE.COMxx' },
      field: 'password',
      message: /must not contain the email/,
    },
    {
      label: 'password containing the local part of the email',
      change: { email: 'hopper@example.com', password: 'my hopper password' },
      field: 'password',
      message: /must not contain the email/,
    },
    {
      label: 'duplicate email, other case',
      change: { email: 'TAKEN@Example.COM' },
      field: 'email',
      message: /already exists/,
    },
    {
      label: 'duplicate email, same case',
      change: { email: 'taken@example.com' },
      field: 'email',
      message: /already exists/,
    },
    { label: 'staff role RISK_OFFICER', change: { role: 'RISK_OFFICER' }, field: 'role', message: null },
    { label: 'staff role ADMIN', change: { role: 'ADMIN' }, field: 'role', message: null },
    {
      label: 'BUSINESS_OWNER without businessName',
      change: { role: 'BUSINESS_OWNER' },
      field: 'businessName',
      message: null,
    },
    {
      label: 'BUSINESS_OWNER with a blank businessName',
      change: { role: 'BUSINESS_OWNER', businessName: '   ' },
      field: 'businessName',
      message: null,
    },
    { label: 'BANKER without institution', change: { role: 'BANKER' }, field: 'institution', message: null },
    {
      label: 'institution for a CUSTOMER',
      change: { institution: 'First Bank' },
      field: 'institution',
      message: /does not apply/,
    },
    {
      label: 'businessName for a BANKER',
      change: { role: 'BANKER', institution: 'First Bank', businessName: 'Shop' },
      field: 'businessName',
      message: /does not apply/,
    },
    { label: 'bio for a CUSTOMER', change: { bio: 'hello' }, field: 'bio', message: null },
    { label: 'empty name', change: { name: '' }, field: 'name', message: /must not be empty/ },
    { label: 'blank name', change: { name: '    ' }, field: 'name', message: /must not be empty/ },
    { label: 'name over 200 characters', change: { name: 'n'.repeat(201) }, field: 'name', message: null },
    {
      label: 'bio over 2000 characters',
      change: { role: 'BANKER', institution: 'First Bank', bio: 'b'.repeat(2001) },
      field: 'bio',
      message: null,
    },
  ];

  test.each(cases)('$label', async ({ change, field, message }) => {
    const before = await h.counts();
    const body = await h.gql(REGISTER, { input: { ...base, ...change } });
    expect(body.data ?? null).toBeNull();
    const error = firstError(body);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe(field);
    if (message) expect(error.message).toMatch(message);
    expect(await h.counts()).toEqual(before);
  });

  test('a weak password states the rule', async () => {
    const body = await h.gql(REGISTER, { input: { ...base, password: 'abc' } });
    const error = firstError(body);
    expect(error.message).toBe('Passwords must be 12 to 128 characters long and must not contain the email address.');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  test('the duplicate-email refusal does not leak the existing account', async () => {
    const body = await h.gql(REGISTER, { input: { ...base, email: 'taken@example.com' } });
    const error = firstError(body);
    expect(JSON.stringify(body)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(error.message).not.toMatch(/taken/i);
  });

  test('an unknown role value is refused by GraphQL before the resolver, with BAD_USER_INPUT', async () => {
    const before = await h.counts();
    const { status, body } = await h.post(REGISTER, { input: { ...base, role: 'SUPERUSER' } });
    expect(body.data ?? null).toBeNull();
    expect(firstError(body).extensions.code).toBe('BAD_USER_INPUT');
    expect(status).toBe(400);
    expect(await h.counts()).toEqual(before);
    expect(await h.count('users', 'email = ?', [base.email])).toBe(0);
  });

  test('a missing required input field is refused with BAD_USER_INPUT', async () => {
    const before = await h.counts();
    const { password: _password, ...withoutPassword } = base;
    const body = await h.gql(REGISTER, { input: withoutPassword });
    expect(firstError(body).extensions.code).toBe('BAD_USER_INPUT');
    expect(await h.counts()).toEqual(before);
  });

  test('after all the refusals the email is still free: the valid input then succeeds', async () => {
    const session = await register(h, base);
    expect(session.user.email).toBe(base.email);
  });

  test('two concurrent sign-ups with one email: exactly one succeeds, the other gets BAD_USER_INPUT on email', async () => {
    const before = await h.counts();
    const input = { ...base, email: 'race@example.com' };
    const bodies = await Promise.all([
      h.gql(REGISTER, { input }),
      h.gql(REGISTER, { input: { ...input, email: 'RACE@example.com' } }),
    ]);
    const ok = bodies.filter((b) => !b.errors);
    const refused = bodies.filter((b) => b.errors);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(firstError(refused[0]!).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(await h.counts()).toEqual({
      users: before.users + 1,
      refresh_tokens: before.refresh_tokens + 1,
      audit_events: before.audit_events + 1,
    });
  });
});
