/**
 * Sessions on the identity subgraph alone: refresh-token rotation, reuse
 * detection (also under a race), logout, expiry, and roles that follow the
 * user's current state on refresh.
 */
import { sha256 } from '../src/services/auth-service.ts';
import {
  LOGOUT,
  REFRESH,
  adminCaller,
  decodeJwt,
  firstError,
  login,
  register,
  startIdentity,
  type IdentityHarness,
  type Session,
} from './support.ts';

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity();
});
afterAll(async () => {
  await h?.close();
});

interface TokenRow {
  family_id: string;
  user_id: string;
  used: boolean;
  revoked: boolean;
}

async function tokenRow(token: string): Promise<TokenRow | undefined> {
  const rows = await h.sql<TokenRow>(
    `select family_id, user_id, used_at is not null as used, revoked_at is not null as revoked from refresh_tokens where token_hash = ?`,
    [sha256(token)],
  );
  return rows[0];
}

async function refresh(token: string) {
  return h.gql<{ refreshToken: Session }>(REFRESH, { t: token });
}

async function refreshOk(token: string): Promise<Session> {
  const body = await refresh(token);
  if (body.errors) throw new Error(`refresh failed: ${JSON.stringify(body.errors)}`);
  return body.data!.refreshToken;
}

test('refresh rotates: a new pair in the same family, the old token spent', async () => {
  const first = await register(h, { email: 'rotate@example.com' });
  const second = await refreshOk(first.refreshToken);

  expect(second.refreshToken).not.toBe(first.refreshToken);
  expect(second.accessToken).not.toBe(first.accessToken);
  expect(second.user).toMatchObject({ id: first.user.id, email: 'rotate@example.com', roles: ['CUSTOMER'] });
  expect(decodeJwt(second.accessToken)).toMatchObject({ sub: first.user.id, roles: ['CUSTOMER'] });
  expect(new Date(second.expiresAt).getTime()).toBeGreaterThan(Date.now());

  const oldRow = await tokenRow(first.refreshToken);
  const newRow = await tokenRow(second.refreshToken);
  expect(oldRow).toMatchObject({ used: true, revoked: false, user_id: first.user.id });
  expect(newRow).toMatchObject({ used: false, revoked: false, user_id: first.user.id, family_id: oldRow!.family_id });

  // The new one works in turn.
  const third = await refreshOk(second.refreshToken);
  expect((await tokenRow(third.refreshToken))?.family_id).toBe(oldRow!.family_id);
});

test('reusing a spent token is refused, revokes the whole family and writes REFRESH_TOKEN_REUSED', async () => {
  const first = await register(h, { email: 'reuse@example.com' });
  const otherSession = await login(h, 'reuse@example.com');
  const second = await refreshOk(first.refreshToken);
  const family = (await tokenRow(first.refreshToken))!.family_id;

  const reuse = await refresh(first.refreshToken);
  expect(reuse.data ?? null).toBeNull();
  expect(firstError(reuse).extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });
  expect(await h.count('refresh_tokens', 'family_id = ? and revoked_at is null', [family])).toBe(0);

  const [audit] = await h.sql<{ user_id: string; details: Record<string, unknown> }>(
    `select user_id, details from audit_events where type = 'REFRESH_TOKEN_REUSED' and user_id = ?`,
    [first.user.id],
  );
  expect(audit).toMatchObject({ user_id: first.user.id, details: { familyId: family } });

  // The newest token of the family no longer works either.
  const after = await refresh(second.refreshToken);
  expect(firstError(after).extensions.code).toBe('UNAUTHENTICATED');

  // Another session of the same user (another family) is untouched.
  expect((await refreshOk(otherSession.refreshToken)).user.id).toBe(first.user.id);
});

test('two concurrent refreshes of one token: exactly one succeeds, the other is reuse and ends the family', async () => {
  const first = await register(h, { email: 'race@example.com' });
  const family = (await tokenRow(first.refreshToken))!.family_id;
  const reusedBefore = await h.count('audit_events', `type = 'REFRESH_TOKEN_REUSED' and user_id = ?`, [first.user.id]);

  const bodies = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
  const ok = bodies.filter((b) => !b.errors);
  const refused = bodies.filter((b) => b.errors);
  expect(ok).toHaveLength(1);
  expect(refused).toHaveLength(1);
  expect(firstError(refused[0]!).extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });

  // Exactly one new token was issued, and the whole family is revoked.
  expect(await h.count('refresh_tokens', 'family_id = ?', [family])).toBe(2);
  expect(await h.count('refresh_tokens', 'family_id = ? and revoked_at is null', [family])).toBe(0);
  expect(await h.count('audit_events', `type = 'REFRESH_TOKEN_REUSED' and user_id = ?`, [first.user.id])).toBe(
    reusedBefore + 1,
  );

  const winner = ok[0]!.data!.refreshToken;
  expect(firstError(await refresh(winner.refreshToken)).extensions.code).toBe('UNAUTHENTICATED');
});

test('logout revokes the family: its tokens no longer refresh; a second logout says false', async () => {
  const first = await register(h, { email: 'logout@example.com' });
  const second = await refreshOk(first.refreshToken);
  const family = (await tokenRow(first.refreshToken))!.family_id;

  const out = await h.gql(LOGOUT, { t: second.refreshToken });
  expect(out.errors).toBeUndefined();
  expect(out.data).toEqual({ logout: true });
  expect(await h.count('refresh_tokens', 'family_id = ? and revoked_at is null', [family])).toBe(0);
  expect(await h.count('audit_events', `type = 'LOGGED_OUT' and user_id = ?`, [first.user.id])).toBe(1);

  const tokensBefore = await h.count('refresh_tokens');
  const after = await refresh(second.refreshToken);
  expect(firstError(after).extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
  expect(await h.count('refresh_tokens')).toBe(tokensBefore);

  const again = await h.gql(LOGOUT, { t: second.refreshToken });
  expect(again.data).toEqual({ logout: false });
  expect(await h.count('audit_events', `type = 'LOGGED_OUT' and user_id = ?`, [first.user.id])).toBe(1);
});

test('logout with an unknown token says false and writes nothing', async () => {
  const before = await h.counts();
  const body = await h.gql(LOGOUT, { t: 'not-a-token-we-issued' });
  expect(body).toEqual({ data: { logout: false } });
  expect(await h.counts()).toEqual(before);
});

test('an expired refresh token is refused and writes nothing', async () => {
  const session = await register(h, { email: 'expired@example.com' });
  await h.sql(`update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = ?`, [
    sha256(session.refreshToken),
  ]);
  const before = await h.counts();

  const body = await refresh(session.refreshToken);
  expect(body.data ?? null).toBeNull();
  expect(firstError(body).extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
  expect(await h.counts()).toEqual(before);
  expect(await tokenRow(session.refreshToken)).toMatchObject({ used: false });
});

test('an unknown refresh token is refused and writes nothing', async () => {
  const before = await h.counts();
  const body = await refresh('x'.repeat(43));
  expect(firstError(body).extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
  expect(await h.counts()).toEqual(before);
});

test("refresh returns the user's current roles, in the payload and in the new access token", async () => {
  const session = await register(h, { email: 'promoted@example.com' });
  expect(decodeJwt(session.accessToken).roles).toEqual(['CUSTOMER']);

  const admin = await adminCaller(h);
  const changed = await h.gql(
    `mutation Set($input: SetUserRolesInput!) { setUserRoles(input: $input) { id roles } }`,
    { input: { userId: session.user.id, roles: ['CUSTOMER', 'RISK_OFFICER'] } },
    admin.caller,
  );
  expect(changed.errors).toBeUndefined();
  expect(changed.data.setUserRoles.roles).toEqual(['CUSTOMER', 'RISK_OFFICER']);

  const next = await refreshOk(session.refreshToken);
  expect(next.user.roles).toEqual(['CUSTOMER', 'RISK_OFFICER']);
  const claims = decodeJwt(next.accessToken);
  expect(claims.sub).toBe(session.user.id);
  expect(claims.roles).toEqual(['CUSTOMER', 'RISK_OFFICER']);
});
