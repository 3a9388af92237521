/**
 * Second factors, two-step sign-in, sessions and the staff enrolment rule,
 * end to end through the router.
 */
import jwt from 'jsonwebtoken';
import { codeOf, enrolTotp, totpCode } from './support/second-factor.ts';
import { bankerWithProfile, businessOwner } from './support/lending.ts';
import { postGraphQLWithStatus, startTestStack, TEST_ADMIN, type TestStack } from './support/stack.ts';

let bank: TestStack;
beforeAll(async () => {
  bank = await startTestStack({ LOGIN_MAX_FAILURES: '4', STAFF_MFA_REQUIRED: 'true' });
});
afterAll(async () => {
  await bank?.close();
});

const password = 'correct horse battery staple';
const SESSION_FIELDS = 'accessToken refreshToken user { id }';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

/** POSTs an operation with a User-Agent of our own. */
function gql(query: string, variables: Record<string, unknown> = {}, token?: string, userAgent = 'jest') {
  return postGraphQLWithStatus(bank.routerUrl, query, variables, token, { 'user-agent': userAgent });
}

async function register(email: string): Promise<Session> {
  const result = await gql(`mutation ($input: RegisterInput!) { register(input: $input) { ${SESSION_FIELDS} } }`, {
    input: { email, password, name: 'Test Person', role: 'CUSTOMER' },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.register as Session;
}

function login(email: string, pass = password, userAgent = 'jest') {
  return gql(
    `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
    { email, password: pass },
    undefined,
    userAgent,
  );
}

function completeLogin(challengeId: string, proof: Record<string, unknown>, userAgent = 'jest') {
  return gql(
    `mutation ($id: ID!, $proof: SecondFactorProof!) { completeLogin(challengeId: $id, proof: $proof) { ${SESSION_FIELDS} } }`,
    { id: challengeId, proof },
    undefined,
    userAgent,
  );
}

/** Signs in with the password and the authenticator app's code `stepsFromNow` away. */
async function signInWithTotp(email: string, secret: string, stepsFromNow = 0, userAgent = 'jest', pass = password) {
  const first = await login(email, pass, userAgent);
  expect(codeOf(first)).toBe('MFA_REQUIRED');
  const { challengeId } = first.errors![0]!.extensions as { challengeId: string };
  const second = await completeLogin(challengeId, { code: await totpCode(secret, stepsFromNow) }, userAgent);
  expect(second.errors).toBeUndefined();
  return second.data!.completeLogin as Session;
}

function claimsOf(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

const auditTypes = async (userId: string, adminToken: string): Promise<string[]> => {
  const result = await gql(
    'query ($id: ID) { auditEvents(first: 100, userId: $id) { edges { node { type } } } }',
    { id: userId },
    adminToken,
  );
  expect(result.errors).toBeUndefined();
  const edges = (result.data!.auditEvents as { edges: { node: { type: string } }[] }).edges;
  return edges.map((e) => e.node.type);
};

/** The admin, enrolled once (the enrolment test below does it) and signed in with both factors. */
let adminSecret: string | undefined;
let adminAccess: string | undefined;
async function adminToken(): Promise<string> {
  if (!adminSecret) throw new Error('the staff enrolment test runs first');
  adminAccess ??= (await signInWithTotp(TEST_ADMIN.email, adminSecret, 1, 'jest', TEST_ADMIN.password)).accessToken;
  return adminAccess;
}

describe('staff must enrol a second factor first', () => {
  test('an ADMIN without one can only enrol; after enrolling and refreshing, everything', async () => {
    const first = await gql(
      `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { ${SESSION_FIELDS} } }`,
      { e: TEST_ADMIN.email, p: TEST_ADMIN.password },
    );
    expect(first.errors).toBeUndefined();
    const session = first.data!.login as Session;
    expect(claimsOf(session.accessToken)).toMatchObject({ mfa_enrol: true, amr: ['pwd'], acr: 'aal1' });

    const refused = await gql('{ auditEvents { edges { node { id } } } }', {}, session.accessToken);
    expect(refused.status).toBe(403);
    expect(codeOf(refused)).toBe('MFA_REQUIRED');
    expect(refused.errors![0]!.extensions!.reason).toBe('ENROLMENT_REQUIRED');
    // A mix of an allowed field and another is refused as a whole.
    const mixed = await gql('{ me { id } auditEvents { edges { node { id } } } }', {}, session.accessToken);
    expect(codeOf(mixed)).toBe('MFA_REQUIRED');
    const staff = await gql(
      'mutation { createStaffUser(input: {email: "x@test.bank", password: "a-long-password-1", name: "X", role: ADMIN}) { id } }',
      {},
      session.accessToken,
    );
    expect(codeOf(staff)).toBe('MFA_REQUIRED');
    const download = await fetch(
      new URL('/statement.csv?accountId=00000000-0000-4000-8000-000000000000&month=2026-01', bank.routerUrl),
      {
        headers: { authorization: `Bearer ${session.accessToken}` },
      },
    );
    expect(download.status).toBe(403);

    const me = await gql('{ me { id roles } }', {}, session.accessToken);
    expect(me.errors).toBeUndefined();

    const enrolled = await enrolTotp(bank.routerUrl, session.accessToken);
    adminSecret = enrolled.secret;
    const refreshed = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { ${SESSION_FIELDS} } }`, {
      t: session.refreshToken,
    });
    expect(refreshed.errors).toBeUndefined();
    const token = (refreshed.data!.refreshToken as Session).accessToken;
    expect(claimsOf(token).mfa_enrol).toBeUndefined();
    const allowed = await gql('{ auditEvents { edges { node { id } } } }', {}, token);
    expect(allowed.errors).toBeUndefined();

    // From now on the admin signs in with two factors.
    expect(
      codeOf(
        await gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, {
          e: TEST_ADMIN.email,
          p: TEST_ADMIN.password,
        }),
      ),
    ).toBe('MFA_REQUIRED');
  });
});

describe('authenticator apps (TOTP)', () => {
  test('enrolment gives the secret, an otpauth URI and a QR code; a wrong code turns nothing on', async () => {
    const session = await register('totp-enrol@example.com');
    const begun = await gql(
      'mutation { beginTotpEnrollment(label: "Phone") { factorId secret otpauthUri qrCodeDataUrl } }',
      {},
      session.accessToken,
    );
    expect(begun.errors).toBeUndefined();
    const enrolment = begun.data!.beginTotpEnrollment as Record<string, string>;
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{26,}$/);
    const uri = new URL(enrolment.otpauthUri!);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(enrolment.secret);
    expect(decodeURIComponent(uri.pathname)).toContain('totp-enrol@example.com');
    expect(enrolment.qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);

    const wrong = await gql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) }',
      { c: (Number(await totpCode(enrolment.secret!)) + 1).toString().padStart(6, '0').slice(-6) },
      session.accessToken,
    );
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    const me = await gql('{ me { secondFactors { id } recoveryCodesLeft } }', {}, session.accessToken);
    expect(me.data!.me).toEqual({ secondFactors: [], recoveryCodesLeft: 0 });
    // Still one step: no factor is on.
    const plain = await login('totp-enrol@example.com');
    expect(plain.errors).toBeUndefined();
  });

  test('sign-in is two steps; the access token records both factors; a code works once; one step of drift passes', async () => {
    const session = await register('totp-login@example.com');
    const { secret, recoveryCodes } = await enrolTotp(bank.routerUrl, session.accessToken);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    const first = await login('totp-login@example.com');
    expect(first.data?.login ?? null).toBeNull();
    expect(codeOf(first)).toBe('MFA_REQUIRED');
    const extensions = first.errors![0]!.extensions as { challengeId: string; factors: string[]; expiresAt: string };
    expect(extensions.factors).toEqual(['TOTP', 'RECOVERY_CODE']);
    expect(new Date(extensions.expiresAt).getTime() - Date.now()).toBeGreaterThan(200_000);

    // The code confirmEnrollment used (the step before) is spent.
    const replayed = await completeLogin(extensions.challengeId, { code: await totpCode(secret, -1) });
    expect(codeOf(replayed)).toBe('UNAUTHENTICATED');
    expect(replayed.errors![0]!.extensions!.reason).toBe('SECOND_FACTOR_INVALID');

    const done = await completeLogin(extensions.challengeId, { code: await totpCode(secret, 1) });
    expect(done.errors).toBeUndefined();
    const tokens = done.data!.completeLogin as Session;
    expect(claimsOf(tokens.accessToken)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'aal2' });
    const me = await gql('{ me { id secondFactors { kind label } recoveryCodesLeft } }', {}, tokens.accessToken);
    expect(me.data!.me).toEqual({
      id: session.user.id,
      secondFactors: [{ kind: 'TOTP', label: 'Authenticator app' }],
      recoveryCodesLeft: 10,
    });

    // The challenge is used up; the same code again (same step) is a replay for a new challenge too.
    expect(codeOf(await completeLogin(extensions.challengeId, { code: await totpCode(secret, 1) }))).toBe(
      'UNAUTHENTICATED',
    );
    const again = await login('totp-login@example.com');
    const challengeId = (again.errors![0]!.extensions as { challengeId: string }).challengeId;
    expect(codeOf(await completeLogin(challengeId, { code: await totpCode(secret, 1) }))).toBe('UNAUTHENTICATED');
    // Two steps away is too far.
    expect(codeOf(await completeLogin(challengeId, { code: await totpCode(secret, 3) }))).toBe('UNAUTHENTICATED');
  });

  test('recovery codes work once each, in any case and without dashes', async () => {
    const session = await register('totp-recovery@example.com');
    const { recoveryCodes } = await enrolTotp(bank.routerUrl, session.accessToken);
    const [code] = recoveryCodes;
    const first = await login('totp-recovery@example.com');
    const { challengeId } = first.errors![0]!.extensions as { challengeId: string };
    const done = await completeLogin(challengeId, { code: code!.replace(/-/g, '').toLowerCase() });
    expect(done.errors).toBeUndefined();
    const token = (done.data!.completeLogin as Session).accessToken;
    expect((await gql('{ me { recoveryCodesLeft } }', {}, token)).data!.me).toEqual({ recoveryCodesLeft: 9 });

    const second = await login('totp-recovery@example.com');
    const next = (second.errors![0]!.extensions as { challengeId: string }).challengeId;
    expect(codeOf(await completeLogin(next, { code: code! }))).toBe('UNAUTHENTICATED');
  });

  test('bad proofs are clear errors: none, both, a made-up challenge', async () => {
    const session = await register('totp-bad@example.com');
    const { secret } = await enrolTotp(bank.routerUrl, session.accessToken);
    const first = await login('totp-bad@example.com');
    const { challengeId } = first.errors![0]!.extensions as { challengeId: string };
    expect(codeOf(await completeLogin(challengeId, {}))).toBe('BAD_USER_INPUT');
    expect(codeOf(await completeLogin(challengeId, { code: await totpCode(secret), passkeyResponse: '{}' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await completeLogin('not-a-uuid', { code: '123456' }))).toBe('BAD_USER_INPUT');
    const unknown = await completeLogin('00000000-0000-4000-8000-000000000000', { code: '123456' });
    expect(codeOf(unknown)).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0]!.extensions!.reason).toBe('MFA_CHALLENGE_INVALID');
    // A passkey answer without passkeys enrolled is simply wrong.
    expect(codeOf(await completeLogin(challengeId, { passkeyResponse: '{"id":"x"}' }))).toBe('UNAUTHENTICATED');
  });

  test('wrong second factors count toward the sign-in lock', async () => {
    const session = await register('totp-lock@example.com');
    const { secret } = await enrolTotp(bank.routerUrl, session.accessToken);
    const first = await login('totp-lock@example.com');
    const { challengeId } = first.errors![0]!.extensions as { challengeId: string };
    for (let i = 0; i < 4; i += 1) {
      expect(codeOf(await completeLogin(challengeId, { code: '000000' }))).toBe('UNAUTHENTICATED');
    }
    // Locked (LOGIN_MAX_FAILURES=4): the right code and the right password are both refused now.
    expect(codeOf(await completeLogin(challengeId, { code: await totpCode(secret) }))).toBe('RATE_LIMITED');
    expect(codeOf(await login('totp-lock@example.com'))).toBe('RATE_LIMITED');
    const types = await auditTypes(session.user.id, await adminToken());
    expect(types.filter((t) => t === 'MFA_CHALLENGE_FAILED')).toHaveLength(4);
    expect(types).toContain('LOGIN_LOCKED');
  });

  test('turning a factor off needs a fresh second factor and ends every other session', async () => {
    await register('totp-remove@example.com');
    const enrolToken = (await login('totp-remove@example.com')).data!.login as Session;
    const { secret, factorId, recoveryCodes } = await enrolTotp(bank.routerUrl, enrolToken.accessToken);
    const phone = await signInWithTotp('totp-remove@example.com', secret, 0, 'Phone');
    const laptop = await signInWithTotp('totp-remove@example.com', secret, 1, 'Laptop');

    const remove = (proof: Record<string, unknown>, id = factorId) =>
      gql(
        'mutation ($id: ID!, $proof: SecondFactorProof!) { removeSecondFactor(id: $id, proof: $proof) }',
        { id, proof },
        laptop.accessToken,
      );
    expect(codeOf(await remove({ code: '000000' }))).toBe('UNAUTHENTICATED');
    // A spent code is no fresh factor.
    expect(codeOf(await remove({ code: await totpCode(secret, 1) }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await remove({ code: '123456' }, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    const stillOn = await gql('{ me { secondFactors { id } } }', {}, laptop.accessToken);
    expect(stillOn.data!.me).toEqual({ secondFactors: [{ id: factorId }] });

    // Another user cannot remove it, even with their own fresh factor.
    const other = await register('totp-remove-other@example.com');
    const otherSecret = (await enrolTotp(bank.routerUrl, other.accessToken)).secret;
    const foreign = await gql(
      'mutation ($id: ID!, $proof: SecondFactorProof!) { removeSecondFactor(id: $id, proof: $proof) }',
      { id: factorId, proof: { code: await totpCode(otherSecret) } },
      other.accessToken,
    );
    expect(codeOf(foreign)).toBe('NOT_FOUND');

    // A recovery code is a fresh second factor too (the app's next fresh code is 30 s away).
    const removed = await remove({ code: recoveryCodes[0] });
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removeSecondFactor).toBe(true);

    // The phone's session (and the enrolment session) ended; the laptop's goes on.
    const phoneRefresh = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: phone.refreshToken,
    });
    expect(codeOf(phoneRefresh)).toBe('UNAUTHENTICATED');
    const laptopRefresh = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: laptop.refreshToken,
    });
    expect(laptopRefresh.errors).toBeUndefined();
    const me = await gql('{ me { secondFactors { id } recoveryCodesLeft } }', {}, laptop.accessToken);
    expect(me.data!.me).toEqual({ secondFactors: [], recoveryCodesLeft: 0 });
    // One step again.
    expect((await login('totp-remove@example.com')).errors).toBeUndefined();

    const types = await auditTypes(laptop.user.id, await adminToken());
    expect(types).toEqual(
      expect.arrayContaining([
        'SECOND_FACTOR_ADDED',
        'SECOND_FACTOR_FAILED',
        'RECOVERY_CODE_USED',
        'SECOND_FACTOR_REMOVED',
      ]),
    );
  });
});

describe('sessions', () => {
  test('me { sessions } shows each device, how it signed in and which is current; others cannot see them', async () => {
    await register('sessions@example.com');
    const phone = (await login('sessions@example.com', password, 'BankApp/2.1 (iPhone)')).data!.login as Session;
    const laptop = (await login('sessions@example.com', password, 'Mozilla/5.0 (X11; Linux)')).data!.login as Session;
    const result = await gql(
      '{ me { sessions { id device createdAt lastUsedAt authenticationMethods assurance current } } }',
      {},
      laptop.accessToken,
    );
    expect(result.errors).toBeUndefined();
    const sessions = (result.data!.me as { sessions: Record<string, unknown>[] }).sessions;
    expect(sessions).toHaveLength(3);
    const byDevice = Object.fromEntries(sessions.map((s) => [s.device, s]));
    expect(byDevice['Mozilla/5.0 (X11; Linux)']).toMatchObject({
      current: true,
      authenticationMethods: ['pwd'],
      assurance: 'aal1',
    });
    expect(byDevice['BankApp/2.1 (iPhone)']).toMatchObject({ current: false });
    expect(claimsOf(phone.accessToken).sid).toBe(byDevice['BankApp/2.1 (iPhone)']!.id);
  });

  test('another user reaching a user through the graph (the banker directory) sees none of their sessions or factors', async () => {
    const banker = await bankerWithProfile(bank.routerUrl, 'mfa-banker');
    await enrolTotp(bank.routerUrl, banker.token);
    const owner = await businessOwner(bank.routerUrl, 'mfa-owner');
    const query =
      '{ bankers(first: 50, filter: { product: TERM_LOAN, amount: "50000.00" }) { edges { node { id sessions { id } secondFactors { id } recoveryCodesLeft } } } }';
    const deadline = Date.now() + 10_000;
    let node: Record<string, unknown> | undefined;
    while (!node && Date.now() < deadline) {
      const result = await gql(query, {}, owner.token);
      expect(result.errors).toBeUndefined();
      const edges = (result.data!.bankers as { edges: { node: Record<string, unknown> }[] }).edges;
      node = edges.find((e) => e.node.id === banker.id)?.node;
      if (!node) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(node).toEqual({ id: banker.id, sessions: null, secondFactors: null, recoveryCodesLeft: null });
    // The banker sees their own.
    const own = await gql('{ me { sessions { id } secondFactors { kind } recoveryCodesLeft } }', {}, banker.token);
    expect(own.data!.me).toMatchObject({ secondFactors: [{ kind: 'TOTP' }], recoveryCodesLeft: 10 });
  });

  test('revokeSession ends one session; revokeAllOtherSessions keeps only the current one; both are audited', async () => {
    await register('revoke@example.com');
    const a = (await login('revoke@example.com', password, 'A')).data!.login as Session;
    const b = (await login('revoke@example.com', password, 'B')).data!.login as Session;
    const c = (await login('revoke@example.com', password, 'C')).data!.login as Session;
    const sidOf = (s: Session) => claimsOf(s.accessToken).sid as string;

    const stranger = await register('revoke-stranger@example.com');
    const foreign = await gql('mutation ($id: ID!) { revokeSession(id: $id) }', { id: sidOf(a) }, stranger.accessToken);
    expect(codeOf(foreign)).toBe('NOT_FOUND');
    const madeUp = await gql(
      'mutation ($id: ID!) { revokeSession(id: $id) }',
      { id: '00000000-0000-4000-8000-000000000000' },
      stranger.accessToken,
    );
    expect(foreign.errors![0]!.message).toBe(madeUp.errors![0]!.message);
    expect(codeOf(await gql('mutation { revokeAllOtherSessions }', {}))).toBe('UNAUTHENTICATED');

    const revoked = await gql('mutation ($id: ID!) { revokeSession(id: $id) }', { id: sidOf(a) }, c.accessToken);
    expect(revoked.data!.revokeSession).toBe(true);
    const again = await gql('mutation ($id: ID!) { revokeSession(id: $id) }', { id: sidOf(a) }, c.accessToken);
    expect(again.data!.revokeSession).toBe(false);
    const refreshA = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: a.refreshToken,
    });
    expect(codeOf(refreshA)).toBe('UNAUTHENTICATED');

    const others = await gql('mutation { revokeAllOtherSessions }', {}, c.accessToken);
    expect(others.data!.revokeAllOtherSessions).toBe(2); // B and the sign-up session
    const refreshB = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: b.refreshToken,
    });
    expect(codeOf(refreshB)).toBe('UNAUTHENTICATED');
    const refreshC = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: c.refreshToken,
    });
    expect(refreshC.errors).toBeUndefined();
    const left = await gql('{ me { sessions { device current } } }', {}, c.accessToken);
    expect(left.data!.me).toEqual({ sessions: [{ device: 'C', current: true }] });

    const types = await auditTypes(c.user.id, await adminToken());
    expect(types).toEqual(expect.arrayContaining(['SESSION_REVOKED', 'OTHER_SESSIONS_REVOKED']));
  });

  test('changePassword checks the current password, applies the rule, and ends every other session', async () => {
    await register('change@example.com');
    const a = (await login('change@example.com', password, 'A')).data!.login as Session;
    const b = (await login('change@example.com', password, 'B')).data!.login as Session;
    const change = (current: string, next: string) =>
      gql(
        'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
        { c: current, n: next },
        b.accessToken,
      );
    expect(codeOf(await change('not the password at all', 'a brand new passphrase'))).toBe('UNAUTHENTICATED');
    const weak = await change(password, 'short');
    expect(codeOf(weak)).toBe('BAD_USER_INPUT');
    expect(weak.errors![0]!.extensions!.field).toBe('newPassword');
    // Nothing changed so far: the old password still works.
    expect((await login('change@example.com', password, 'probe')).errors).toBeUndefined();

    const changed = await change(password, 'a brand new passphrase');
    expect(changed.data!.changePassword).toBe(true);
    expect(codeOf(await login('change@example.com', password))).toBe('UNAUTHENTICATED');
    expect((await login('change@example.com', 'a brand new passphrase')).errors).toBeUndefined();
    const refreshA = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: a.refreshToken,
    });
    expect(codeOf(refreshA)).toBe('UNAUTHENTICATED');
    const refreshB = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: b.refreshToken,
    });
    expect(refreshB.errors).toBeUndefined();
    expect(await auditTypes(b.user.id, await adminToken())).toContain('PASSWORD_CHANGED');
  });
});
