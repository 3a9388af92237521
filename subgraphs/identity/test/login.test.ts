/**
 * Sign-in on the identity subgraph alone: the same answer for an unknown
 * email and a wrong password, and the per-email lock kept in the database
 * (LOGIN_MAX_FAILURES=3, LOGIN_LOCK_SECONDS=60 in these tests).
 */
import { sha256 } from '../src/services/auth-service.ts';
import {
  LOGIN,
  PASSWORD,
  decodeJwt,
  firstError,
  login,
  register,
  startIdentity,
  type GqlBody,
  type IdentityHarness,
} from './support.ts';

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '60' });
});
afterAll(async () => {
  await h?.close();
});

const WRONG = 'definitely not the password';

const attempt = (email: string, password: string): Promise<GqlBody> => h.gql(LOGIN, { email, password });

async function throttleRow(email: string) {
  const rows = await h.sql<{ failures: number; locked: boolean; seconds_left: number | null }>(
    `select failures, coalesce(locked_until > now(), false) as locked,
            ceil(extract(epoch from locked_until - now()))::int as seconds_left
       from login_throttle where email_key = ?`,
    [sha256(email.trim().toLowerCase())],
  );
  return rows[0];
}

const auditCount = (type: string, userId: string | null) =>
  userId === null
    ? h.count('audit_events', 'type = ? and user_id is null', [type])
    : h.count('audit_events', 'type = ? and user_id = ?', [type, userId]);

test('a correct sign-in opens a session and is audited as LOGIN_SUCCEEDED', async () => {
  const { user } = await register(h, { email: 'ok@example.com', name: 'Ok' });
  const tokensBefore = await h.count('refresh_tokens', 'user_id = ?', [user.id]);

  const session = await login(h, '  OK@Example.com ');
  expect(session.user).toMatchObject({ id: user.id, email: 'ok@example.com', roles: ['CUSTOMER'] });
  expect(decodeJwt(session.accessToken)).toMatchObject({ sub: user.id, roles: ['CUSTOMER'] });
  expect(await h.count('refresh_tokens', 'user_id = ?', [user.id])).toBe(tokensBefore + 1);
  expect(await auditCount('LOGIN_SUCCEEDED', user.id)).toBe(1);
});

test('a successful sign-in resets the failure count', async () => {
  const { user } = await register(h, { email: 'reset@example.com' });
  for (let i = 0; i < 2; i++)
    expect(firstError(await attempt('reset@example.com', WRONG)).extensions.code).toBe('UNAUTHENTICATED');
  expect(await throttleRow('reset@example.com')).toMatchObject({ failures: 2, locked: false });

  await login(h, 'reset@example.com');
  expect(await throttleRow('reset@example.com')).toBeUndefined();

  // Two more failures: without the reset this would be the 4th and the email would be locked.
  for (let i = 0; i < 2; i++)
    expect(firstError(await attempt('reset@example.com', WRONG)).extensions.code).toBe('UNAUTHENTICATED');
  expect(await throttleRow('reset@example.com')).toMatchObject({ failures: 2, locked: false });
  const again = await login(h, 'reset@example.com');
  expect(again.user.id).toBe(user.id);
});

test('a wrong password and an unknown email get the identical error', async () => {
  await register(h, { email: 'same@example.com' });
  const wrong = firstError(await attempt('same@example.com', WRONG));
  const unknown = firstError(await attempt('nobody-here@example.com', WRONG));
  expect(wrong.extensions.code).toBe('UNAUTHENTICATED');
  expect(unknown.message).toBe(wrong.message);
  const { stacktrace: _a, ...wrongExt } = wrong.extensions;
  const { stacktrace: _b, ...unknownExt } = unknown.extensions;
  expect(unknownExt).toEqual(wrongExt);
  expect(wrong.message).not.toMatch(/password is wrong|no account|not found|unknown/i);
});

test('a failed sign-in writes nothing but the throttle row and a LOGIN_FAILED audit row', async () => {
  const { user } = await register(h, { email: 'quiet@example.com' });
  const before = await h.counts();
  await attempt('quiet@example.com', WRONG);
  expect(await h.counts()).toEqual({ ...before, audit_events: before.audit_events + 1 });
  const [row] = await h.sql<{ type: string; details: Record<string, unknown> }>(
    `select type, details from audit_events where user_id = ? and type = 'LOGIN_FAILED'`,
    [user.id],
  );
  expect(row).toEqual({ type: 'LOGIN_FAILED', details: { failures: 1, knownAccount: true } });
  expect(JSON.stringify(row)).not.toContain(WRONG);
});

test('after 3 failures the email is locked: even the right password gets RATE_LIMITED, the lock is in login_throttle', async () => {
  const { user } = await register(h, { email: 'locked@example.com' });
  for (let i = 0; i < 3; i++) {
    expect(firstError(await attempt('locked@example.com', WRONG)).extensions.code).toBe('UNAUTHENTICATED');
  }
  const row = await throttleRow('locked@example.com');
  expect(row?.locked).toBe(true);
  expect(row!.seconds_left).toBeGreaterThan(0);
  expect(row!.seconds_left).toBeLessThanOrEqual(60);

  const tokensBefore = await h.count('refresh_tokens', 'user_id = ?', [user.id]);
  const body = await attempt('locked@example.com', PASSWORD);
  expect(body.data ?? null).toBeNull();
  const error = firstError(body);
  expect(error.extensions.code).toBe('RATE_LIMITED');
  expect(error.extensions.retryAfterSeconds).toEqual(expect.any(Number));
  expect(error.extensions.retryAfterSeconds as number).toBeGreaterThan(0);
  expect(error.extensions.retryAfterSeconds as number).toBeLessThanOrEqual(60);
  // No session was opened, and the email is still locked.
  expect(await h.count('refresh_tokens', 'user_id = ?', [user.id])).toBe(tokensBefore);
  expect(await auditCount('LOGIN_SUCCEEDED', user.id)).toBe(0);
  expect((await throttleRow('locked@example.com'))?.locked).toBe(true);

  expect(await auditCount('LOGIN_FAILED', user.id)).toBe(3);
  expect(await auditCount('LOGIN_LOCKED', user.id)).toBe(1);
  const [locked] = await h.sql<{ details: Record<string, unknown> }>(
    `select details from audit_events where type = 'LOGIN_LOCKED' and user_id = ?`,
    [user.id],
  );
  expect(locked!.details).toEqual({ lockSeconds: 60 });

  // Another letter case of the same email is the same lock.
  expect(firstError(await attempt('LOCKED@example.com', PASSWORD)).extensions.code).toBe('RATE_LIMITED');
});

test('the lock expires: once locked_until has passed, the right password works again', async () => {
  await register(h, { email: 'expires@example.com' });
  for (let i = 0; i < 3; i++) await attempt('expires@example.com', WRONG);
  expect(firstError(await attempt('expires@example.com', PASSWORD)).extensions.code).toBe('RATE_LIMITED');
  await h.sql(`update login_throttle set locked_until = now() - interval '1 second' where email_key = ?`, [
    sha256('expires@example.com'),
  ]);
  const session = await login(h, 'expires@example.com');
  expect(session.user.email).toBe('expires@example.com');
});

test('an unknown email is locked the same way, with no hint that no account exists', async () => {
  const known = 'known-lock@example.com';
  const unknown = 'ghost@example.com';
  await register(h, { email: known });
  const knownErrors = [];
  const unknownErrors = [];
  for (let i = 0; i < 4; i++) {
    knownErrors.push(firstError(await attempt(known, WRONG)));
    unknownErrors.push(firstError(await attempt(unknown, WRONG)));
  }
  expect(unknownErrors.map((e) => e.extensions.code)).toEqual([
    'UNAUTHENTICATED',
    'UNAUTHENTICATED',
    'UNAUTHENTICATED',
    'RATE_LIMITED',
  ]);
  expect(knownErrors.map((e) => e.extensions.code)).toEqual(unknownErrors.map((e) => e.extensions.code));
  const noDigits = (m: string) => m.replace(/\d+/g, 'N');
  expect(unknownErrors.map((e) => noDigits(e.message))).toEqual(knownErrors.map((e) => noDigits(e.message)));
  expect(unknownErrors[3]!.extensions.retryAfterSeconds as number).toBeGreaterThan(0);

  const row = await throttleRow(unknown);
  expect(row?.locked).toBe(true);
  // The throttle stores a hash of the email, not the email.
  expect(await h.count('login_throttle', 'email_key = ?', [unknown])).toBe(0);
  expect(
    await h.count('audit_events', `type = 'LOGIN_LOCKED' and user_id is null and details::text not like '%ghost%'`),
  ).toBeGreaterThanOrEqual(1);
  expect(await h.count('audit_events', `details::text like '%ghost%'`)).toBe(0);
  expect(
    await h.count('audit_events', `type = 'LOGIN_FAILED' and user_id is null and details->>'knownAccount' = 'false'`),
  ).toBeGreaterThanOrEqual(3);
});

test('6 wrong sign-ins in parallel all count and lock the email', async () => {
  const email = 'parallel6@example.com';
  const { user } = await register(h, { email });
  const bodies = await Promise.all(Array.from({ length: 6 }, () => attempt(email, WRONG)));
  for (const body of bodies) expect(['UNAUTHENTICATED', 'RATE_LIMITED']).toContain(firstError(body).extensions.code);
  const failed = bodies.filter((b) => firstError(b).extensions.code === 'UNAUTHENTICATED').length;
  // Every attempt that got as far as checking the password was counted.
  expect(await auditCount('LOGIN_FAILED', user.id)).toBe(failed);
  expect(await auditCount('LOGIN_LOCKED', user.id)).toBeGreaterThanOrEqual(1);
  expect((await throttleRow(email))?.locked).toBe(true);
  expect(firstError(await attempt(email, PASSWORD)).extensions.code).toBe('RATE_LIMITED');
});

// Any number of parallel failures at or above the limit must leave the email
// locked; 4 and 5 (not multiples of 3) show whether a failure that finishes
// after the lock was set clears it again. (Failing when written: the failure
// upsert of AuthService.#recordFailure sets `locked_until = null` whenever a
// lock is present, even one still in force, so in-flight failures unlock the
// email and waves of 4 parallel guesses are never locked out. The 6-request
// test above passes only when all 6 pass the lock check before the 3rd
// failure is recorded, as 6 is a multiple of the limit (1,2,3 lock, 1,2,3
// lock again); when one of them is refused with RATE_LIMITED the count is
// 1,2,3 lock,1,2 and it fails too.)
test.each([4, 5])('%i wrong sign-ins in parallel leave the email locked', async (n) => {
  const email = `parallel${n}@example.com`;
  const { user } = await register(h, { email });
  const bodies = await Promise.all(Array.from({ length: n }, () => attempt(email, WRONG)));
  for (const body of bodies) expect(['UNAUTHENTICATED', 'RATE_LIMITED']).toContain(firstError(body).extensions.code);
  expect(await auditCount('LOGIN_LOCKED', user.id)).toBeGreaterThanOrEqual(1);
  expect((await throttleRow(email))?.locked).toBe(true);
  expect(firstError(await attempt(email, PASSWORD)).extensions.code).toBe('RATE_LIMITED');
});
