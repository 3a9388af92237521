/**
 * Sign-in with an identity provider, end to end through the router, against
 * a real OpenID Provider (oidc-provider) on a loopback port: the
 * authorization code flow with PKCE, users matched on (issuer, sub) only, and
 * every way a sign-in can go wrong answered with a catalogued error that
 * creates nothing.
 */
import jwt from 'jsonwebtoken';
import { enrolTotp, totpCode } from './support/second-factor.ts';
import { postGraphQL, startTestStack, TEST_ADMIN, type JsonResponse, type TestStack } from './support/stack.ts';
import { startTestOidcProvider, unreachableIssuer, type TestOidcProvider } from './support/oidc-provider.ts';

const BEGIN = `mutation($provider: String!) {
  beginIdentityProviderSignIn(provider: $provider) { signInId authorizationUrl expiresAt }
}`;
const COMPLETE = `mutation($signInId: ID!, $callbackUrl: String!) {
  completeIdentityProviderSignIn(signInId: $signInId, callbackUrl: $callbackUrl) {
    accessToken refreshToken expiresAt user { id email name roles }
  }
}`;
const BEGIN_LINK = `mutation($provider: String!) {
  beginIdentityProviderLink(provider: $provider) { signInId authorizationUrl expiresAt }
}`;
const COMPLETE_LINK = `mutation($signInId: ID!, $callbackUrl: String!) {
  completeIdentityProviderLink(signInId: $signInId, callbackUrl: $callbackUrl) { provider email linkedAt lastSignInAt }
}`;
const ME = `{ me { id email name roles } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { id } } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`;
const AUDIT = `query($userId: ID) { auditEvents(first: 100, userId: $userId) { edges { node { type userId details } } } }`;

interface Redirect {
  signInId: string;
  authorizationUrl: string;
  expiresAt: string;
}
interface Payload {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; name: string; roles: string[] };
}

function data<T>(response: JsonResponse, field: string): T {
  expect(response.errors).toBeUndefined();
  return response.data![field] as T;
}

/** The first error's code and reason, for terse expectations. */
function refusal(response: JsonResponse): { code?: string; reason?: unknown; field?: unknown } {
  expect(response.data?.completeIdentityProviderSignIn ?? null).toBeNull();
  const extensions = response.errors?.[0]?.extensions ?? {};
  return { code: extensions.code, reason: extensions.reason, field: extensions.field };
}

/** The rows of the identity database a sign-in could create. */
async function counts(bank: TestStack): Promise<{ users: number; links: number }> {
  const db = bank.stack.subgraphs.identity!.orm.em.getConnection();
  const [row] = await db.execute<{ users: number; links: number }[]>(
    'select (select count(*) from users)::int as users, (select count(*) from federated_identities)::int as links',
  );
  return row!;
}

function helpers(bank: () => TestStack, idp: () => TestOidcProvider) {
  const url = () => bank().routerUrl;
  const begin = async (provider = 'test'): Promise<Redirect> =>
    data<Redirect>(await postGraphQL(url(), BEGIN, { provider }), 'beginIdentityProviderSignIn');
  const complete = (signInId: string, callbackUrl: string): Promise<JsonResponse> =>
    postGraphQL(url(), COMPLETE, { signInId, callbackUrl });
  /** A whole sign-in as the provider account `sub`. */
  const signIn = async (sub: string): Promise<JsonResponse> => {
    const { signInId, authorizationUrl } = await begin();
    return complete(signInId, await idp().authorize(authorizationUrl, sub));
  };
  return { begin, complete, signIn };
}

describe('with an identity provider, creating users', () => {
  let idp: TestOidcProvider;
  let bank: TestStack;
  let url: string;
  const { begin, complete, signIn } = helpers(
    () => bank,
    () => idp,
  );

  beforeAll(async () => {
    idp = await startTestOidcProvider();
    const down = await unreachableIssuer();
    const provider = (name: string, issuer: string) => ({
      name,
      issuer,
      clientId: idp.bank.clientId,
      redirectUri: idp.redirectUri,
    });
    bank = await startTestStack({
      OIDC_PROVIDERS: JSON.stringify([provider('test', idp.issuer), provider('down', down)]),
      // The secret of "test" comes from its own variable; "down" has it in the list.
      OIDC_TEST_CLIENT_SECRET: idp.bank.clientSecret,
      OIDC_DOWN_CLIENT_SECRET: 'unused-secret',
    });
    url = bank.routerUrl;
  });
  afterAll(async () => {
    await bank?.close();
    await idp?.close();
  });

  async function adminToken(): Promise<string> {
    const login = await postGraphQL(url, LOGIN, TEST_ADMIN);
    return data<{ accessToken: string }>(login, 'login').accessToken;
  }
  async function auditTypes(userId: string): Promise<{ type: string; details: string }[]> {
    const page = await postGraphQL(url, AUDIT, { userId }, await adminToken());
    const edges = data<{ edges: { node: { type: string; details: string } }[] }>(page, 'auditEvents').edges;
    return edges.map((e) => e.node).reverse();
  }

  test('identityProviders lists the configured names only', async () => {
    const response = await postGraphQL(url, '{ identityProviders { name } }');
    expect(data(response, 'identityProviders')).toEqual([{ name: 'test' }, { name: 'down' }]);
  });

  test('the authorization URL asks for a code with PKCE (S256), a state and a nonce', async () => {
    const redirect = await begin();
    const authorization = new URL(redirect.authorizationUrl);
    expect(authorization.origin).toBe(idp.issuer);
    const params = Object.fromEntries(authorization.searchParams);
    expect(params).toMatchObject({
      client_id: idp.bank.clientId,
      response_type: 'code',
      redirect_uri: idp.redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.state!.length).toBeGreaterThanOrEqual(32);
    expect(params.nonce!.length).toBeGreaterThanOrEqual(32);
    const minutes = (new Date(redirect.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(10);
  });

  test('the first sign-in creates a CUSTOMER with working tokens; the next ones find the same user', async () => {
    idp.accounts.set('alice-sub', { email: 'Alice@Example.com', email_verified: true, name: 'Alice Liddell' });
    const before = await counts(bank);
    const first = data<Payload>(await signIn('alice-sub'), 'completeIdentityProviderSignIn');
    expect(first.user).toMatchObject({ email: 'alice@example.com', name: 'Alice Liddell', roles: ['CUSTOMER'] });
    expect(await counts(bank)).toEqual({ users: before.users + 1, links: before.links + 1 });

    const me = await postGraphQL(url, ME, {}, first.accessToken);
    expect(data(me, 'me')).toEqual(first.user);
    const refreshed = await postGraphQL(url, REFRESH, { t: first.refreshToken });
    expect(refreshed.errors).toBeUndefined();

    const second = data<Payload>(await signIn('alice-sub'), 'completeIdentityProviderSignIn');
    expect(second.user.id).toBe(first.user.id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await counts(bank)).toEqual({ users: before.users + 1, links: before.links + 1 });

    // Oldest first; the two events of the creation share their time, so their order is not told.
    const events = await auditTypes(first.user.id);
    expect(
      events
        .map((e) => e.type)
        .slice(0, 2)
        .sort(),
    ).toEqual(['FEDERATED_IDENTITY_LINKED', 'USER_REGISTERED']);
    expect(events.map((e) => e.type).slice(2)).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_SUCCEEDED']);
    const registered = events.find((e) => e.type === 'USER_REGISTERED')!;
    expect(JSON.parse(registered.details)).toEqual({ role: 'CUSTOMER', method: 'fed', provider: 'test' });
    expect(JSON.parse(events[2]!.details)).toEqual({ method: 'fed' });
  });

  test('a provider user with a second factor is asked for it after the provider, as after a password', async () => {
    idp.accounts.set('mfa-sub', { email: 'mfa-fed@example.com', email_verified: true, name: 'Fed Two' });
    const first = data<Payload>(await signIn('mfa-sub'), 'completeIdentityProviderSignIn');
    expect((jwt.decode(first.accessToken) as { amr: string[] }).amr).toEqual(['fed']);
    const { secret } = await enrolTotp(url, first.accessToken);
    const again = await signIn('mfa-sub');
    expect(refusal(again).code).toBe('MFA_REQUIRED');
    const { challengeId } = again.errors![0]!.extensions as { challengeId: string };
    const done = await postGraphQL(
      url,
      'mutation ($id: ID!, $proof: SecondFactorProof!) { completeLogin(challengeId: $id, proof: $proof) { accessToken } }',
      { id: challengeId, proof: { code: await totpCode(secret) } },
    );
    const token = data<{ accessToken: string }>(done, 'completeLogin').accessToken;
    expect(jwt.decode(token)).toMatchObject({ amr: ['fed', 'otp', 'mfa'], acr: 'aal2' });
  });

  test('a changed email at the provider signs in the same user and creates or links nobody', async () => {
    idp.accounts.set('carol-sub', { email: 'carol@example.com', email_verified: true, name: 'Carol' });
    const first = data<Payload>(await signIn('carol-sub'), 'completeIdentityProviderSignIn');
    const before = await counts(bank);
    idp.accounts.set('carol-sub', { email: 'carol.new@example.com', email_verified: true, name: 'Carol' });
    const again = data<Payload>(await signIn('carol-sub'), 'completeIdentityProviderSignIn');
    expect(again.user).toMatchObject({ id: first.user.id, email: 'carol@example.com' });
    expect(await counts(bank)).toEqual(before);
    // The new address is still free for a sign-up with a password.
    const register = await postGraphQL(url, REGISTER, {
      input: { email: 'carol.new@example.com', password: 'a long enough password', name: 'Other', role: 'CUSTOMER' },
    });
    expect(register.errors).toBeUndefined();
  });

  test('an existing password user with the same email is not taken over, and can link the provider', async () => {
    const password = 'bobs own long password';
    const registered = await postGraphQL(url, REGISTER, {
      input: { email: 'bob@example.com', password, name: 'Bob', role: 'CUSTOMER' },
    });
    const bob = data<{ accessToken: string; user: { id: string } }>(registered, 'register');
    idp.accounts.set('bob-sub', { email: 'bob@example.com', email_verified: true, name: 'Not Bob' });
    const before = await counts(bank);

    const refused = await signIn('bob-sub');
    expect(refusal(refused)).toEqual({ code: 'UNAUTHENTICATED', reason: 'EMAIL_IN_USE', field: undefined });
    expect(refused.errors?.[0]?.message).toMatch(/sign in with your password, then link test/i);
    expect(await counts(bank)).toEqual(before);
    const refusals = (await auditTypes(bob.user.id)).filter((e) => e.type === 'FEDERATED_SIGN_IN_REFUSED');
    expect(refusals.map((e) => JSON.parse(e.details))).toEqual([
      { provider: 'test', purpose: 'SIGN_IN', reason: 'EMAIL_IN_USE' },
    ]);

    // Bob signs in with his password and links the provider account himself.
    const started = data<Redirect>(
      await postGraphQL(url, BEGIN_LINK, { provider: 'test' }, bob.accessToken),
      'beginIdentityProviderLink',
    );
    const callbackUrl = await idp.authorize(started.authorizationUrl, 'bob-sub');
    // Nobody else can complete Bob's link, not even with the right callback.
    const stranger = data<Payload>(await signIn('alice-sub'), 'completeIdentityProviderSignIn');
    const hijack = await postGraphQL(
      url,
      COMPLETE_LINK,
      { signInId: started.signInId, callbackUrl },
      stranger.accessToken,
    );
    expect(hijack.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGN_IN_EXPIRED' });
    // Nor complete it as a sign-in.
    expect(refusal(await complete(started.signInId, callbackUrl)).reason).toBe('SIGN_IN_EXPIRED');

    const linked = await postGraphQL(url, COMPLETE_LINK, { signInId: started.signInId, callbackUrl }, bob.accessToken);
    expect(data(linked, 'completeIdentityProviderLink')).toMatchObject({
      provider: 'test',
      email: 'bob@example.com',
      lastSignInAt: null,
    });
    const mine = await postGraphQL(url, '{ myLinkedIdentityProviders { provider } }', {}, bob.accessToken);
    expect(data(mine, 'myLinkedIdentityProviders')).toEqual([{ provider: 'test' }]);

    // Now the provider signs Bob in, as Bob.
    const viaProvider = data<Payload>(await signIn('bob-sub'), 'completeIdentityProviderSignIn');
    expect(viaProvider.user.id).toBe(bob.user.id);
    expect(await counts(bank)).toEqual({ users: before.users, links: before.links + 1 });
    // His password still works.
    expect((await postGraphQL(url, LOGIN, { email: 'bob@example.com', password })).errors).toBeUndefined();

    // A provider account linked to someone cannot be linked to anyone else.
    const other = data<Redirect>(
      await postGraphQL(url, BEGIN_LINK, { provider: 'test' }, stranger.accessToken),
      'beginIdentityProviderLink',
    );
    const stolen = await postGraphQL(
      url,
      COMPLETE_LINK,
      { signInId: other.signInId, callbackUrl: await idp.authorize(other.authorizationUrl, 'bob-sub') },
      stranger.accessToken,
    );
    expect(stolen.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ALREADY_LINKED' });
  });

  test('linking needs a signed-in user', async () => {
    const response = await postGraphQL(url, BEGIN_LINK, { provider: 'test' });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a wrong state is refused, and spends the attempt', async () => {
    idp.accounts.set('dave-sub', { email: 'dave@example.com', email_verified: true, name: 'Dave' });
    const before = await counts(bank);
    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'dave-sub');
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'not-the-state-of-this-sign-in');
    expect(refusal(await complete(signInId, forged.href))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'STATE_MISMATCH',
    });
    // The genuine answer no longer works either: an attempt is spent by any completion.
    expect(refusal(await complete(signInId, callbackUrl)).reason).toBe('SIGN_IN_EXPIRED');
    // Nor does another attempt's answer: the state is that of the other attempt.
    const next = await begin();
    expect(refusal(await complete(next.signInId, callbackUrl)).reason).toBe('STATE_MISMATCH');
    expect(await counts(bank)).toEqual(before);
    // Refusals are audited (about nobody: no user was identified).
    const recent = await postGraphQL(url, AUDIT, {}, await adminToken());
    const refused = data<{ edges: { node: { type: string; userId: string | null; details: string } }[] }>(
      recent,
      'auditEvents',
    ).edges.filter((e) => e.node.type === 'FEDERATED_SIGN_IN_REFUSED' && e.node.details.includes('STATE_MISMATCH'));
    expect(refused.map((e) => [e.node.userId, JSON.parse(e.node.details)])).toEqual([
      [null, { provider: 'test', purpose: 'SIGN_IN', reason: 'STATE_MISMATCH' }],
      [null, { provider: 'test', purpose: 'SIGN_IN', reason: 'STATE_MISMATCH' }],
    ]);
  });

  test('a completed sign-in cannot be completed again', async () => {
    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'alice-sub');
    expect((await complete(signInId, callbackUrl)).errors).toBeUndefined();
    expect(refusal(await complete(signInId, callbackUrl))).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'SIGN_IN_EXPIRED',
      field: undefined,
    });
  });

  test('two completions of one sign-in at once: exactly one signs in', async () => {
    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'alice-sub');
    const answers = await Promise.all([complete(signInId, callbackUrl), complete(signInId, callbackUrl)]);
    expect(answers.filter((a) => a.errors === undefined)).toHaveLength(1);
    expect(answers.map((a) => a.errors?.[0]?.extensions?.reason).filter(Boolean)).toEqual(['SIGN_IN_EXPIRED']);
  });

  test('a code issued for another PKCE challenge is refused by the provider', async () => {
    idp.accounts.set('peggy-sub', { email: 'peggy@example.com', email_verified: true, name: 'Peggy' });
    const before = await counts(bank);
    const { signInId, authorizationUrl } = await begin();
    // Someone swaps the challenge on the way to the provider: the bank's verifier no longer fits the code.
    const tampered = new URL(authorizationUrl);
    tampered.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const callbackUrl = await idp.authorize(tampered.href, 'peggy-sub');
    expect(refusal(await complete(signInId, callbackUrl))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'PROVIDER_REJECTED_CODE',
    });
    expect(await counts(bank)).toEqual(before);
  });

  test('an ID token with another nonce is refused', async () => {
    idp.accounts.set('erin-sub', { email: 'erin@example.com', email_verified: true, name: 'Erin' });
    const before = await counts(bank);
    const { signInId, authorizationUrl } = await begin();
    // Someone swaps the nonce on the way to the provider: the ID token carries theirs.
    const tampered = new URL(authorizationUrl);
    tampered.searchParams.set('nonce', 'a-nonce-the-bank-never-issued-0123456789');
    const callbackUrl = await idp.authorize(tampered.href, 'erin-sub');
    expect(refusal(await complete(signInId, callbackUrl))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'ID_TOKEN_INVALID',
    });
    expect(await counts(bank)).toEqual(before);
  });

  test('an expired sign-in is refused', async () => {
    idp.accounts.set('frank-sub', { email: 'frank@example.com', email_verified: true, name: 'Frank' });
    const before = await counts(bank);
    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'frank-sub');
    await bank.stack.subgraphs
      .identity!.orm.em.getConnection()
      .execute(`update oidc_sign_ins set expires_at = now() - interval '1 second' where id = ?`, [signInId]);
    expect(refusal(await complete(signInId, callbackUrl))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'SIGN_IN_EXPIRED',
    });
    expect(await counts(bank)).toEqual(before);
  });

  test('a code issued to another client is refused by the provider', async () => {
    idp.accounts.set('grace-sub', { email: 'grace@example.com', email_verified: true, name: 'Grace' });
    const before = await counts(bank);
    const { signInId, authorizationUrl } = await begin();
    // The same request, but for another client of the provider (same redirect URI, same state).
    const foreign = new URL(authorizationUrl);
    foreign.searchParams.set('client_id', idp.other.clientId);
    const callbackUrl = await idp.authorize(foreign.href, 'grace-sub');
    expect(refusal(await complete(signInId, callbackUrl))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'PROVIDER_REJECTED_CODE',
    });
    expect(await counts(bank)).toEqual(before);
  });

  test('a sign-in cancelled at the provider is refused', async () => {
    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'alice-sub', { cancel: true });
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    expect(refusal(await complete(signInId, callbackUrl))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'PROVIDER_REFUSED',
    });
  });

  test('an unverified email creates nobody', async () => {
    idp.accounts.set('heidi-sub', { email: 'heidi@example.com', email_verified: false, name: 'Heidi' });
    idp.accounts.set('ivan-sub', { name: 'Ivan, no email' });
    const before = await counts(bank);
    for (const sub of ['heidi-sub', 'ivan-sub']) {
      expect(refusal(await signIn(sub))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'EMAIL_NOT_VERIFIED' });
    }
    expect(await counts(bank)).toEqual(before);
    // heidi@example.com was not taken: it can still sign up.
    const register = await postGraphQL(url, REGISTER, {
      input: { email: 'heidi@example.com', password: 'a password of her own', name: 'Heidi', role: 'CUSTOMER' },
    });
    expect(register.errors).toBeUndefined();
  });

  test('bad input is BAD_USER_INPUT naming the argument', async () => {
    const unknown = await postGraphQL(url, BEGIN, { provider: 'nope' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'provider' });
    expect(unknown.errors?.[0]?.message).toBe('Unknown identity provider. Use one of: test, down.');

    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'alice-sub');
    const badId = await complete('not-an-id', callbackUrl);
    expect(refusal(badId)).toEqual({ code: 'BAD_USER_INPUT', reason: undefined, field: 'signInId' });
    for (const bad of ['not a url', 'https://evil.example/auth/callback?code=x', `${idp.redirectUri}/x?code=y`]) {
      expect(refusal(await complete(signInId, bad))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'callbackUrl' });
    }
    // An unknown (well-formed) id is just an attempt that does not exist.
    const unknownId = await complete('8a4b3d58-7f0e-4a53-9a57-1d61e8b3f0a1', callbackUrl);
    expect(refusal(unknownId).reason).toBe('SIGN_IN_EXPIRED');
    // Bad input spent nothing: the attempt still completes.
    expect((await complete(signInId, callbackUrl)).errors).toBeUndefined();
  });

  test('a provider that cannot be reached is SERVICE_UNAVAILABLE', async () => {
    const response = await postGraphQL(url, BEGIN, { provider: 'down' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', provider: 'down' });
  });

  test('a user created by a provider has no password: no password signs them in', async () => {
    const before = await postGraphQL(url, LOGIN, { email: 'nobody@example.com', password: 'any long password 1' });
    for (const password of ['any long password 1', '!no-password', '', 'Alice Liddell']) {
      const response = await postGraphQL(url, LOGIN, { email: 'alice@example.com', password });
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.errors?.[0]?.message).toBe(before.errors?.[0]?.message);
    }
  });

  // Last: it stops the provider.
  test('a provider that goes away in the middle of a sign-in is SERVICE_UNAVAILABLE, and creates nothing', async () => {
    idp.accounts.set('oscar-sub', { email: 'oscar@example.com', email_verified: true, name: 'Oscar' });
    const before = await counts(bank);
    const { signInId, authorizationUrl } = await begin();
    const callbackUrl = await idp.authorize(authorizationUrl, 'oscar-sub');
    await idp.close();
    expect(refusal(await complete(signInId, callbackUrl))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await counts(bank)).toEqual(before);
  });
});

describe('with an identity provider, not creating users (OIDC_CREATE_USERS=false)', () => {
  let idp: TestOidcProvider;
  let bank: TestStack;
  const { signIn } = helpers(
    () => bank,
    () => idp,
  );

  beforeAll(async () => {
    idp = await startTestOidcProvider();
    bank = await startTestStack({
      OIDC_PROVIDERS: JSON.stringify([
        {
          name: 'test',
          issuer: idp.issuer,
          clientId: idp.bank.clientId,
          clientSecret: idp.bank.clientSecret,
          redirectUri: idp.redirectUri,
        },
      ]),
      OIDC_CREATE_USERS: 'false',
    });
  });
  afterAll(async () => {
    await bank?.close();
    await idp?.close();
  });

  test('an unknown provider account is refused and creates nothing', async () => {
    idp.accounts.set('judy-sub', { email: 'judy@example.com', email_verified: true, name: 'Judy' });
    const before = await counts(bank);
    expect(refusal(await signIn('judy-sub'))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'ACCOUNT_NOT_LINKED',
    });
    expect(await counts(bank)).toEqual(before);
  });

  test('a linked account still signs in', async () => {
    const registered = await postGraphQL(bank.routerUrl, REGISTER, {
      input: { email: 'kim@example.com', password: 'kims long password', name: 'Kim', role: 'CUSTOMER' },
    });
    const kim = data<{ accessToken: string; user: { id: string } }>(registered, 'register');
    idp.accounts.set('kim-sub', { email: 'kim@elsewhere.example', email_verified: false, name: 'Kim' });
    const started = data<Redirect>(
      await postGraphQL(bank.routerUrl, BEGIN_LINK, { provider: 'test' }, kim.accessToken),
      'beginIdentityProviderLink',
    );
    const callbackUrl = await idp.authorize(started.authorizationUrl, 'kim-sub');
    const linked = await postGraphQL(
      bank.routerUrl,
      COMPLETE_LINK,
      { signInId: started.signInId, callbackUrl },
      kim.accessToken,
    );
    expect(linked.errors).toBeUndefined();
    const payload = data<Payload>(await signIn('kim-sub'), 'completeIdentityProviderSignIn');
    expect(payload.user).toMatchObject({ id: kim.user.id, email: 'kim@example.com' });
  });
});

describe('without identity providers (the default)', () => {
  let bank: TestStack;
  beforeAll(async () => {
    bank = await startTestStack();
  });
  afterAll(async () => {
    await bank?.close();
  });

  test('none are listed, and starting a sign-in says the feature is off', async () => {
    expect(data(await postGraphQL(bank.routerUrl, '{ identityProviders { name } }'), 'identityProviders')).toEqual([]);
    const response = await postGraphQL(bank.routerUrl, BEGIN, { provider: 'google' });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'provider',
      reason: 'IDENTITY_PROVIDERS_DISABLED',
    });
  });
});
