/**
 * Passkeys (WebAuthn) as a second factor, end to end through the router,
 * answered by a software authenticator (test/support/webauthn.ts).
 */
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ANONYMOUS } from '../platform/caller.ts';
import { createLogger } from '../platform/logger.ts';
import { createIdentityServices } from '../subgraphs/identity/src/services/index.ts';
import { codeOf, enrolTotp, totpCode } from './support/second-factor.ts';
import {
  postGraphQLWithStatus,
  startTestStack,
  TEST_ADMIN,
  type JsonResponse,
  type TestStack,
} from './support/stack.ts';
import {
  SoftwareAuthenticator,
  type CreationOptionsJSON,
  type RequestOptionsJSON,
  type Tampering,
} from './support/webauthn.ts';

const RP_ID = 'bank.test';
const ORIGIN = 'https://bank.test';

let bank: TestStack;
beforeAll(async () => {
  bank = await startTestStack({
    WEBAUTHN_RP_ID: RP_ID,
    WEBAUTHN_RP_NAME: 'Test Bank',
    WEBAUTHN_ORIGINS: `${ORIGIN},https://app.bank.test`,
    STAFF_MFA_REQUIRED: 'true',
    LOGIN_MAX_FAILURES: '50',
  });
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

interface MfaRequired {
  challengeId: string;
  factors: string[];
  passkeyRequestOptions?: string;
}

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const result = await postGraphQLWithStatus(bank.routerUrl, query, variables, token);
  // Nothing here is a server fault, whatever the input.
  expect(result.status).toBeLessThan(500);
  expect(codeOf(result)).not.toBe('INTERNAL_SERVER_ERROR');
  return result;
}

async function register(email: string): Promise<Session> {
  const result = await gql(`mutation ($input: RegisterInput!) { register(input: $input) { ${SESSION_FIELDS} } }`, {
    input: { email, password, name: 'Passkey Person', role: 'CUSTOMER' },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.register as Session;
}

function login(email: string, pass = password) {
  return gql(
    `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
    { email, password: pass },
  );
}

/** Signs in with the password: the MFA_REQUIRED details, the passkey options parsed. */
async function firstStep(email: string, pass = password): Promise<MfaRequired & { options: RequestOptionsJSON }> {
  const first = await login(email, pass);
  expect(codeOf(first)).toBe('MFA_REQUIRED');
  const extensions = first.errors![0]!.extensions as unknown as MfaRequired;
  expect(typeof extensions.passkeyRequestOptions).toBe('string');
  return { ...extensions, options: JSON.parse(extensions.passkeyRequestOptions!) as RequestOptionsJSON };
}

function completeLogin(challengeId: string, proof: Record<string, unknown>) {
  return gql(
    `mutation ($id: ID!, $proof: SecondFactorProof!) { completeLogin(challengeId: $id, proof: $proof) { ${SESSION_FIELDS} } }`,
    { id: challengeId, proof },
  );
}

const answer = (response: Record<string, unknown>) => ({ passkeyResponse: JSON.stringify(response) });

function beginRegistration(token: string, label?: string, proof?: Record<string, unknown>) {
  return gql(
    'mutation ($label: String, $proof: SecondFactorProof) { beginPasskeyRegistration(label: $label, proof: $proof) { id creationOptions expiresAt } }',
    { ...(label === undefined ? {} : { label }), ...(proof ? { proof } : {}) },
    token,
  );
}

function completeRegistration(token: string, id: string, response: string) {
  return gql(
    'mutation ($id: ID!, $r: String!) { completePasskeyRegistration(id: $id, response: $r) { factor { id kind label createdAt lastUsedAt } recoveryCodes } }',
    { id, r: response },
    token,
  );
}

interface Registration {
  id: string;
  options: CreationOptionsJSON;
}

async function begin(token: string, label?: string, proof?: Record<string, unknown>): Promise<Registration> {
  const begun = await beginRegistration(token, label, proof);
  expect(begun.errors).toBeUndefined();
  const registration = begun.data!.beginPasskeyRegistration as { id: string; creationOptions: string };
  return { id: registration.id, options: JSON.parse(registration.creationOptions) as CreationOptionsJSON };
}

/** Registers `authenticator` for the holder of `token`: the new factor's id and the recovery codes (if any). */
async function addPasskey(
  token: string,
  authenticator: SoftwareAuthenticator,
  label?: string,
  proof?: Record<string, unknown>,
): Promise<{ factorId: string; recoveryCodes: string[] | null }> {
  const { id, options } = await begin(token, label, proof);
  const done = await completeRegistration(token, id, JSON.stringify(authenticator.create(options)));
  expect(done.errors).toBeUndefined();
  const added = done.data!.completePasskeyRegistration as { factor: { id: string }; recoveryCodes: string[] | null };
  return { factorId: added.factor.id, recoveryCodes: added.recoveryCodes };
}

/** Signs in with the password and `authenticator`. */
async function signInWithPasskey(
  email: string,
  authenticator: SoftwareAuthenticator,
  pass = password,
): Promise<Session> {
  const { challengeId, options } = await firstStep(email, pass);
  const done = await completeLogin(challengeId, answer(authenticator.get(options)));
  expect(done.errors).toBeUndefined();
  return done.data!.completeLogin as Session;
}

function claimsOf(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

const reasonOf = (response: JsonResponse) => response.errors?.[0]?.extensions?.reason;

const platform = () => new SoftwareAuthenticator({ origin: ORIGIN, transports: ['internal'] });
const roaming = () => new SoftwareAuthenticator({ origin: ORIGIN, transports: ['usb'] });

let adminKey: SoftwareAuthenticator | undefined;
let adminAccess: string | undefined;
async function adminToken(): Promise<string> {
  if (!adminKey) throw new Error('the staff enrolment test runs first');
  adminAccess ??= (await signInWithPasskey(TEST_ADMIN.email, adminKey, TEST_ADMIN.password)).accessToken;
  return adminAccess;
}

async function auditTypes(userId: string): Promise<string[]> {
  const result = await gql(
    'query ($id: ID) { auditEvents(first: 100, userId: $id) { edges { node { type details } } } }',
    { id: userId },
    await adminToken(),
  );
  expect(result.errors).toBeUndefined();
  const edges = (result.data!.auditEvents as { edges: { node: { type: string } }[] }).edges;
  return edges.map((e) => e.node.type);
}

describe('staff enrolling a passkey', () => {
  test('an ADMIN who must enrol registers a passkey as the first factor, refreshes and is let in; then signs in with it', async () => {
    const first = await gql(
      `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { ${SESSION_FIELDS} } }`,
      { e: TEST_ADMIN.email, p: TEST_ADMIN.password },
    );
    expect(first.errors).toBeUndefined();
    const session = first.data!.login as Session;
    expect(claimsOf(session.accessToken)).toMatchObject({ mfa_enrol: true });
    expect(codeOf(await gql('{ auditEvents { edges { node { id } } } }', {}, session.accessToken))).toBe(
      'MFA_REQUIRED',
    );
    // A fresh-factor challenge is not an enrolment step.
    expect(codeOf(await gql('mutation { beginPasskeyChallenge { requestOptions } }', {}, session.accessToken))).toBe(
      'MFA_REQUIRED',
    );

    const key = new SoftwareAuthenticator({ origin: ORIGIN, transports: ['usb', 'nfc'] });
    const { recoveryCodes } = await addPasskey(session.accessToken, key, 'Admin YubiKey');
    expect(recoveryCodes).toHaveLength(10);
    adminKey = key;

    const refreshed = await gql(`mutation ($t: String!) { refreshToken(refreshToken: $t) { ${SESSION_FIELDS} } }`, {
      t: session.refreshToken,
    });
    expect(refreshed.errors).toBeUndefined();
    const token = (refreshed.data!.refreshToken as Session).accessToken;
    expect(claimsOf(token).mfa_enrol).toBeUndefined();
    expect((await gql('{ auditEvents { edges { node { id } } } }', {}, token)).errors).toBeUndefined();

    const signedIn = await signInWithPasskey(TEST_ADMIN.email, key, TEST_ADMIN.password);
    expect(claimsOf(signedIn.accessToken)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'], acr: 'aal2' });
    expect(claimsOf(signedIn.accessToken).mfa_enrol).toBeUndefined();
  });
});

describe('registering passkeys', () => {
  test('a platform and a roaming passkey: options, exclusion of registered ones, recovery codes with the first only', async () => {
    const session = await register('pk-register@example.com');
    const laptop = platform();
    const { id, options } = await begin(session.accessToken, 'Laptop');
    expect(options).toMatchObject({
      rp: { id: RP_ID, name: 'Test Bank' },
      user: { name: 'pk-register@example.com', displayName: 'Passkey Person' },
      attestation: 'none',
      excludeCredentials: [],
    });
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The user handle is the user's id as bytes, never the email.
    expect(Buffer.from(options.user.id, 'base64url').toString('hex')).toBe(session.user.id.replace(/-/g, ''));
    expect(options.pubKeyCredParams.map((p) => p.alg)).toContain(-7);

    const done = await completeRegistration(session.accessToken, id, JSON.stringify(laptop.create(options)));
    expect(done.errors).toBeUndefined();
    const added = done.data!.completePasskeyRegistration as {
      factor: { id: string; kind: string; label: string; lastUsedAt: string | null };
      recoveryCodes: string[];
    };
    expect(added.factor).toMatchObject({ kind: 'PASSKEY', label: 'Laptop', lastUsedAt: null });
    expect(added.recoveryCodes).toHaveLength(10);
    for (const code of added.recoveryCodes) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    // The registration is used up.
    const again = await completeRegistration(session.accessToken, id, JSON.stringify(laptop.create(options)));
    expect(codeOf(again)).toBe('NOT_FOUND');

    // A second one, roaming: it needs a fresh factor first (a stolen session alone cannot add one).
    const unproven = await beginRegistration(session.accessToken, 'YubiKey');
    expect(codeOf(unproven)).toBe('MFA_REQUIRED');
    expect(reasonOf(unproven)).toBe('FRESH_FACTOR_REQUIRED');
    const wrongProof = await beginRegistration(session.accessToken, 'YubiKey', { code: '000000' });
    expect(codeOf(wrongProof)).toBe('UNAUTHENTICATED');
    // The options exclude the laptop's; no new recovery codes.
    const key = roaming();
    const second = await begin(session.accessToken, 'YubiKey', { code: added.recoveryCodes![9] });
    expect(second.options.excludeCredentials).toEqual([
      { id: laptop.credentialId, type: 'public-key', transports: ['internal'] },
    ]);
    // The same authenticator answering anyway is refused.
    const twice = await completeRegistration(
      session.accessToken,
      second.id,
      JSON.stringify(laptop.create({ ...second.options, excludeCredentials: [] })),
    );
    expect(codeOf(twice)).toBe('BAD_USER_INPUT');
    const roamingDone = await completeRegistration(
      session.accessToken,
      second.id,
      JSON.stringify(key.create(second.options)),
    );
    expect(roamingDone.errors).toBeUndefined();
    expect((roamingDone.data!.completePasskeyRegistration as { recoveryCodes: null }).recoveryCodes).toBeNull();

    const me = await gql(
      '{ me { secondFactors { id kind label } recoveryCodesLeft } }',
      {},
      (await signInWithPasskey('pk-register@example.com', key)).accessToken,
    );
    expect(me.data!.me).toEqual({
      secondFactors: [
        { id: added.factor.id, kind: 'PASSKEY', label: 'Laptop' },
        { id: expect.any(String), kind: 'PASSKEY', label: 'YubiKey' },
      ],
      // One was the fresh factor that let the YubiKey in.
      recoveryCodesLeft: 9,
    });

    // Sign-in offers both, with their transports.
    const { factors, options: request } = await firstStep('pk-register@example.com');
    expect(factors).toEqual(['PASSKEY', 'RECOVERY_CODE']);
    expect(request.rpId).toBe(RP_ID);
    expect(request.allowCredentials).toEqual([
      { id: laptop.credentialId, type: 'public-key', transports: ['internal'] },
      { id: key.credentialId, type: 'public-key', transports: ['usb'] },
    ]);
    const types = await auditTypes(session.user.id);
    expect(types.filter((t) => t === 'SECOND_FACTOR_ADDED')).toHaveLength(2);
  });

  test('a passkey beside an authenticator app keeps the recovery codes; the app and the passkey both sign in', async () => {
    const session = await register('pk-beside-totp@example.com');
    const { secret, recoveryCodes } = await enrolTotp(bank.routerUrl, session.accessToken);
    const key = platform();
    const added = await addPasskey(session.accessToken, key, undefined, { code: recoveryCodes[9] });
    expect(added.recoveryCodes).toBeNull();
    const { factors, challengeId } = await firstStep('pk-beside-totp@example.com');
    expect(factors).toEqual(['TOTP', 'PASSKEY', 'RECOVERY_CODE']);
    const withCode = await completeLogin(challengeId, { code: await totpCode(secret) });
    expect(withCode.errors).toBeUndefined();
    expect(claimsOf((withCode.data!.completeLogin as Session).accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const withKey = await signInWithPasskey('pk-beside-totp@example.com', key);
    expect(claimsOf(withKey.accessToken).amr).toEqual(['pwd', 'hwk', 'mfa']);
    // The codes from the app's enrolment still work.
    const third = await firstStep('pk-beside-totp@example.com');
    expect((await completeLogin(third.challengeId, { code: recoveryCodes[0] })).errors).toBeUndefined();
  });

  test('wrong origin, wrong RP id, another challenge or another user’s registration are refused and change nothing', async () => {
    const session = await register('pk-register-bad@example.com');
    const other = await register('pk-register-other@example.com');
    const key = platform();
    const { id, options } = await begin(session.accessToken);
    const attempt = (tampering: Tampering, token = session.accessToken, registrationId = id) =>
      completeRegistration(token, registrationId, JSON.stringify(key.create(options, tampering)));

    expect(codeOf(await attempt({ origin: 'https://evil.example' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await attempt({ rpId: 'evil.example' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await attempt({ challenge: Buffer.from('another challenge').toString('base64url') }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await attempt({}, other.accessToken))).toBe('NOT_FOUND');
    expect(codeOf(await attempt({}, session.accessToken, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    expect(codeOf(await attempt({}, session.accessToken, 'not-an-id'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await completeRegistration(session.accessToken, id, 'not json'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await completeRegistration(session.accessToken, id, '{"id":42}'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await completeRegistration(session.accessToken, id, '"x"'.padEnd(70_000, ' ')))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await beginRegistration(session.accessToken, 'x'.repeat(101)))).toBe('BAD_USER_INPUT');
    expect(codeOf(await beginRegistration(session.accessToken, '   '))).toBe('BAD_USER_INPUT');
    expect(codeOf(await beginRegistration(''))).toBe('UNAUTHENTICATED');

    let me = await gql('{ me { secondFactors { id } recoveryCodesLeft } }', {}, session.accessToken);
    expect(me.data!.me).toEqual({ secondFactors: [], recoveryCodesLeft: 0 });
    // A registration from the second allowed origin, untampered, works.
    const app = new SoftwareAuthenticator({ origin: 'https://app.bank.test' });
    const done = await completeRegistration(session.accessToken, id, JSON.stringify(app.create(options)));
    expect(done.errors).toBeUndefined();
    me = await gql('{ me { secondFactors { kind } } }', {}, session.accessToken);
    expect(me.data!.me).toEqual({ secondFactors: [{ kind: 'PASSKEY' }] });
  });
});

describe('signing in with a passkey', () => {
  test('the passkey answers MFA_REQUIRED: amr pwd+hwk+mfa, counter and last use recorded', async () => {
    await register('pk-login@example.com');
    const enrolment = (await login('pk-login@example.com')).data!.login as Session;
    const key = platform();
    const { factorId } = await addPasskey(enrolment.accessToken, key, 'Phone');

    const { challengeId, options, factors } = await firstStep('pk-login@example.com');
    expect(factors).toEqual(['PASSKEY', 'RECOVERY_CODE']);
    expect(options.allowCredentials).toEqual([{ id: key.credentialId, type: 'public-key', transports: ['internal'] }]);
    expect(options.userVerification).toBe('discouraged');
    const done = await completeLogin(challengeId, answer(key.get(options)));
    expect(done.errors).toBeUndefined();
    const tokens = done.data!.completeLogin as Session;
    expect(claimsOf(tokens.accessToken)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'], acr: 'aal2' });
    const me = await gql(
      '{ me { secondFactors { id lastUsedAt } sessions { authenticationMethods assurance current } } }',
      {},
      tokens.accessToken,
    );
    const data = me.data!.me as {
      secondFactors: { id: string; lastUsedAt: string | null }[];
      sessions: { authenticationMethods: string[]; assurance: string; current: boolean }[];
    };
    expect(data.secondFactors[0]!.id).toBe(factorId);
    expect(Date.now() - new Date(data.secondFactors[0]!.lastUsedAt!).getTime()).toBeLessThan(60_000);
    expect(data.sessions.find((s) => s.current)).toMatchObject({
      authenticationMethods: ['pwd', 'hwk', 'mfa'],
      assurance: 'aal2',
    });
  });

  test('a replayed answer, an answer for another challenge, origin or RP id, and an unknown credential are refused', async () => {
    const session = await register('pk-refused@example.com');
    const key = platform();
    await addPasskey(session.accessToken, key);

    // A successful answer, replayed: to its own sign-in (finished) and to a new one (another challenge).
    const first = await firstStep('pk-refused@example.com');
    const used = key.get(first.options);
    expect((await completeLogin(first.challengeId, answer(used))).errors).toBeUndefined();
    const replayedSame = await completeLogin(first.challengeId, answer(used));
    expect(reasonOf(replayedSame)).toBe('MFA_CHALLENGE_INVALID');

    const { challengeId, options } = await firstStep('pk-refused@example.com');
    const refused = async (response: Record<string, unknown>) => {
      const result = await completeLogin(challengeId, answer(response));
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
      expect(reasonOf(result)).toBe('SECOND_FACTOR_INVALID');
    };
    await refused(used);
    await refused(key.get(options, { challenge: first.options.challenge }));
    await refused(key.get(options, { origin: 'https://evil.example' }));
    await refused(key.get(options, { rpId: 'evil.example' }));
    // A credential the bank does not know (another authenticator's key, claiming an id nobody has).
    await refused(platform().get({ ...options, allowCredentials: [] }));
    // Five wrong answers used the challenge up: even the right one needs a new sign-in now.
    expect(reasonOf(await completeLogin(challengeId, answer(key.get(options))))).toBe('MFA_CHALLENGE_INVALID');
    const next = await firstStep('pk-refused@example.com');
    expect((await completeLogin(next.challengeId, answer(key.get(next.options)))).errors).toBeUndefined();

    const types = await auditTypes(session.user.id);
    expect(types.filter((t) => t === 'MFA_CHALLENGE_FAILED')).toHaveLength(5);
  });

  test('one answer sent twice at once signs in once', async () => {
    const session = await register('pk-race@example.com');
    const key = platform();
    await addPasskey(session.accessToken, key);
    const { challengeId, options } = await firstStep('pk-race@example.com');
    const response = answer(key.get(options));
    const results = await Promise.all([completeLogin(challengeId, response), completeLogin(challengeId, response)]);
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
  });

  test('a cloned authenticator (a counter that does not grow) is refused and audited; one without a counter works', async () => {
    const session = await register('pk-clone@example.com');
    const key = platform();
    const { factorId } = await addPasskey(session.accessToken, key);
    const clone = new SoftwareAuthenticator({ origin: ORIGIN, cloneOf: key });
    // The original is used twice (counter 2); the clone still answers with 1.
    await signInWithPasskey('pk-clone@example.com', key);
    await signInWithPasskey('pk-clone@example.com', key);
    expect(key.signCount).toBe(2);
    const { challengeId, options } = await firstStep('pk-clone@example.com');
    const cloned = await completeLogin(challengeId, answer(clone.get(options)));
    expect(reasonOf(cloned)).toBe('SECOND_FACTOR_INVALID');
    // Equal counters are as bad as lower ones.
    const equal = await completeLogin(challengeId, answer(key.get(options, { counter: 2 })));
    expect(reasonOf(equal)).toBe('SECOND_FACTOR_INVALID');
    // The genuine one, moving on, still works.
    expect((await completeLogin(challengeId, answer(key.get(options)))).errors).toBeUndefined();
    const events = await gql(
      'query ($id: ID) { auditEvents(first: 100, userId: $id) { edges { node { type details } } } }',
      { id: session.user.id },
      await adminToken(),
    );
    const clones = (events.data!.auditEvents as { edges: { node: { type: string; details: string } }[] }).edges
      .map((e) => e.node)
      .filter((n) => n.type === 'PASSKEY_CLONE_SUSPECTED');
    expect(clones).toHaveLength(2);
    expect(JSON.parse(clones[0]!.details)).toMatchObject({ factorId, storedCounter: 2 });

    // Synced passkeys keep no counter (0 every time): the single-use challenges are the guard.
    const synced = await register('pk-synced@example.com');
    const noCounter = new SoftwareAuthenticator({ origin: ORIGIN, counter: false });
    await addPasskey(synced.accessToken, noCounter);
    await signInWithPasskey('pk-synced@example.com', noCounter);
    await signInWithPasskey('pk-synced@example.com', noCounter);
    expect(noCounter.signCount).toBe(0);
  });

  test("another user's passkey does not answer for this user", async () => {
    const alice = await register('pk-alice@example.com');
    const bob = await register('pk-bob@example.com');
    const aliceKey = platform();
    const bobKey = platform();
    await addPasskey(alice.accessToken, aliceKey);
    await addPasskey(bob.accessToken, bobKey);
    const { challengeId, options } = await firstStep('pk-bob@example.com');
    // Alice's authenticator signing Bob's challenge, with her own credential.
    const result = await completeLogin(challengeId, answer(aliceKey.get({ ...options, allowCredentials: [] })));
    expect(reasonOf(result)).toBe('SECOND_FACTOR_INVALID');
    // Bob claiming Alice's credential id with his key: the signature does not match her public key.
    const claimed = await completeLogin(
      challengeId,
      answer(bobKey.get(options, { credentialId: aliceKey.credentialId })),
    );
    expect(reasonOf(claimed)).toBe('SECOND_FACTOR_INVALID');
    expect((await completeLogin(challengeId, answer(bobKey.get(options)))).errors).toBeUndefined();
  });

  test('malformed answers are BAD_USER_INPUT and do not use up the sign-in', async () => {
    const session = await register('pk-malformed@example.com');
    const key = platform();
    await addPasskey(session.accessToken, key);
    const { challengeId, options } = await firstStep('pk-malformed@example.com');
    const good = key.get(options);
    const bad = [
      'not json',
      '42',
      '{"id":1}',
      JSON.stringify({ ...good, type: 'password' }),
      JSON.stringify({ ...good, response: { ...(good.response as object), signature: 'not base64url!' } }),
      JSON.stringify({ ...good, response: 'x' }),
      JSON.stringify({ ...good, id: 'A'.repeat(2_000) }),
      'x'.repeat(20_000),
    ];
    for (const text of bad) {
      const result = await completeLogin(challengeId, { passkeyResponse: text });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.extensions!.field).toBe('proof.passkeyResponse');
    }
    // Both a code and an answer.
    expect(codeOf(await completeLogin(challengeId, { ...answer(good), code: '123456' }))).toBe('BAD_USER_INPUT');
    // More than the five attempts a challenge allows, yet the right answer still signs in.
    expect((await completeLogin(challengeId, answer(good))).errors).toBeUndefined();
    expect(await auditTypes(session.user.id)).not.toContain('MFA_CHALLENGE_FAILED');
  });
});

describe('a fresh passkey for sensitive changes', () => {
  test('beginPasskeyChallenge answers removeSecondFactor and regenerateRecoveryCodes, once each', async () => {
    const session = await register('pk-fresh@example.com');
    const laptop = platform();
    const key = roaming();
    const { recoveryCodes } = await addPasskey(session.accessToken, laptop, 'Laptop');
    const { factorId: keyId } = await addPasskey(session.accessToken, key, 'YubiKey', { code: recoveryCodes![9] });
    const token = (await signInWithPasskey('pk-fresh@example.com', laptop)).accessToken;

    const challenge = async () => {
      const result = await gql('mutation { beginPasskeyChallenge { requestOptions expiresAt } }', {}, token);
      expect(result.errors).toBeUndefined();
      const data = result.data!.beginPasskeyChallenge as { requestOptions: string; expiresAt: string };
      const remaining = new Date(data.expiresAt).getTime() - Date.now();
      expect(remaining).toBeGreaterThan(240_000);
      expect(remaining).toBeLessThanOrEqual(300_000);
      return JSON.parse(data.requestOptions) as RequestOptionsJSON;
    };
    const remove = (id: string, proof: Record<string, unknown>) =>
      gql(
        'mutation ($id: ID!, $proof: SecondFactorProof!) { removeSecondFactor(id: $id, proof: $proof) }',
        { id, proof },
        token,
      );
    const regenerate = (proof: Record<string, unknown>) =>
      gql('mutation ($proof: SecondFactorProof!) { regenerateRecoveryCodes(proof: $proof) }', { proof }, token);

    // Without a challenge of its own, a passkey answer (even the sign-in's) is no fresh factor.
    const signIn = await firstStep('pk-fresh@example.com');
    expect(reasonOf(await remove(keyId, answer(laptop.get(signIn.options))))).toBe('SECOND_FACTOR_INVALID');

    const options = await challenge();
    expect(options.allowCredentials!.map((c) => c.id)).toEqual([laptop.credentialId, key.credentialId]);
    // Another challenge (an older one) is replaced by the latest.
    const newer = await challenge();
    expect(reasonOf(await regenerate(answer(laptop.get(options))))).toBe('SECOND_FACTOR_INVALID');
    // The latest was spent by that wrong attempt: ask again.
    expect(reasonOf(await regenerate(answer(laptop.get(newer))))).toBe('SECOND_FACTOR_INVALID');
    const fresh = await challenge();
    const codes = await regenerate(answer(laptop.get(fresh)));
    expect(codes.errors).toBeUndefined();
    const newCodes = codes.data!.regenerateRecoveryCodes as string[];
    expect(newCodes).toHaveLength(10);
    expect(newCodes).not.toContain(recoveryCodes![0]);

    // The same answer again: the challenge is spent.
    const removeOptions = await challenge();
    const response = answer(laptop.get(removeOptions));
    const removed = await remove(keyId, response);
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removeSecondFactor).toBe(true);
    const laptopId = (
      (await gql('{ me { secondFactors { id } } }', {}, token)).data!.me as {
        secondFactors: { id: string }[];
      }
    ).secondFactors[0]!.id;
    expect(reasonOf(await remove(laptopId, response))).toBe('SECOND_FACTOR_INVALID');
    // The removed key answers no more.
    const afterwards = await challenge();
    expect(afterwards.allowCredentials!.map((c) => c.id)).toEqual([laptop.credentialId]);
    expect(reasonOf(await remove(laptopId, answer(key.get(afterwards, { credentialId: key.credentialId }))))).toBe(
      'SECOND_FACTOR_INVALID',
    );
    // Malformed answers are input errors, and spend nothing.
    const lastOptions = await challenge();
    expect(codeOf(await remove(laptopId, { passkeyResponse: '{' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await remove(laptopId, { passkeyResponse: JSON.stringify({ id: 'x' }) }))).toBe('BAD_USER_INPUT');
    const last = await remove(laptopId, answer(laptop.get(lastOptions)));
    expect(last.errors).toBeUndefined();
    const me = await gql('{ me { secondFactors { id } recoveryCodesLeft } }', {}, token);
    expect(me.data!.me).toEqual({ secondFactors: [], recoveryCodesLeft: 0 });
    expect((await login('pk-fresh@example.com')).errors).toBeUndefined();
    // With no passkey there is nothing to challenge.
    expect(codeOf(await gql('mutation { beginPasskeyChallenge { requestOptions } }', {}, token))).toBe(
      'INVALID_STATE_TRANSITION',
    );
    const types = await auditTypes(session.user.id);
    expect(types).toEqual(expect.arrayContaining(['SECOND_FACTOR_REMOVED', 'RECOVERY_CODES_REGENERATED']));
  });
});

describe('a passkey bound to an operation (the step-up contract)', () => {
  // Step-up (payments) calls SecondFactors.withFreshFactor with its own challenge: the base64url
  // SHA-256 of the operation, which the client passes to navigator.credentials.get as is. No
  // mutation of identity carries it on this branch, so this calls the service the way step-up will.
  test('withFreshFactor accepts an answer for exactly the challenge it is given, once', async () => {
    const session = await register('pk-step-up@example.com');
    const key = roaming();
    await addPasskey(session.accessToken, key);
    const identity = bank.stack.subgraphs.identity!;
    const services = () =>
      createIdentityServices({
        em: identity.orm.em.fork(),
        caller: ANONYMOUS,
        config: bank.config,
        logger: createLogger(bank.config, 'passkey-step-up-test'),
        bus: bank.stack.bus,
      });
    const operation = (text: string) => createHash('sha256').update(text).digest('base64url');
    const payment = operation('transfer 1500.00 EUR to DE89370400440532013000, idempotency key 7f1c');
    const other = operation('transfer 9999.00 EUR to GB33BUKB20201555555555, idempotency key 7f1d');
    const options = { challenge: payment, rpId: RP_ID, allowCredentials: [] };
    const proof = answer(key.get(options));
    const confirm = (challenge: string, passkeyProof = proof) =>
      services().factors.withFreshFactor(session.user.id, passkeyProof, challenge, async (_em, verified) => verified);

    // Signed for another operation: refused.
    await expect(confirm(other)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', reason: 'SECOND_FACTOR_INVALID' },
    });
    await expect(confirm(payment)).resolves.toMatchObject({ method: 'hwk', recoveryCode: false });
    // The same answer again: its counter is spent.
    await expect(confirm(payment)).rejects.toMatchObject({ extensions: { reason: 'SECOND_FACTOR_INVALID' } });
    // Malformed: an input error.
    await expect(confirm(payment, { passkeyResponse: '[]' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    // A new answer for the operation passes.
    await expect(confirm(payment, answer(key.get(options)))).resolves.toMatchObject({ method: 'hwk' });
  });
});
