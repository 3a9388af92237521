/**
 * End to end through the router: sign-up, sign-in, `me`, refresh-token
 * rotation and reuse detection, logout.
 */
import {
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RegisterDocument,
} from './generated/operations.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let bank: TestStack;
beforeAll(async () => {
  bank = await startTestStack();
});
afterAll(async () => {
  await bank?.close();
});

const password = 'correct horse battery staple';

async function register(email: string) {
  const result = await bank.request(RegisterDocument, {
    input: { email, password, name: 'Ada Lovelace', role: 'CUSTOMER' },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.register;
}

test('register, then me with the access token', async () => {
  const session = await register('ada@example.com');
  expect(session.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', roles: ['CUSTOMER'] });
  expect(new Date(session.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);

  const me = await bank.request(MeDocument, {}, session.accessToken);
  expect(me.errors).toBeUndefined();
  expect(me.data?.me).toMatchObject({ id: session.user.id, email: 'ada@example.com', businessProfile: null });
});

test('me without a token is null', async () => {
  const me = await bank.request(MeDocument, {});
  expect(me.errors).toBeUndefined();
  expect(me.data?.me).toBeNull();
});

test('login answers the same for an unknown email and a wrong password', async () => {
  await register('grace@example.com');
  const wrong = await bank.request(LoginDocument, { email: 'grace@example.com', password: 'not the password!' });
  const unknown = await bank.request(LoginDocument, { email: 'nobody@example.com', password: 'not the password!' });
  expect(wrong.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  expect(unknown.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);

  const ok = await bank.request(LoginDocument, { email: 'GRACE@example.com', password });
  expect(ok.errors).toBeUndefined();
  expect(ok.data?.login.user.email).toBe('grace@example.com');
});

test('refresh rotates the token; reusing a rotated one ends the whole family', async () => {
  const first = await register('linus@example.com');
  const second = await bank.request(RefreshTokenDocument, { refreshToken: first.refreshToken });
  expect(second.errors).toBeUndefined();
  const rotated = second.data!.refreshToken;
  expect(rotated.refreshToken).not.toBe(first.refreshToken);

  const third = await bank.request(RefreshTokenDocument, { refreshToken: rotated.refreshToken });
  expect(third.errors).toBeUndefined();
  const current = third.data!.refreshToken.refreshToken;

  // The first token was already spent: presenting it again is a theft signal.
  const reuse = await bank.request(RefreshTokenDocument, { refreshToken: first.refreshToken });
  expect(reuse.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });

  // ...and the newest token of that family no longer works either.
  const after = await bank.request(RefreshTokenDocument, { refreshToken: current });
  expect(after.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
});

test('logout ends the session; a second logout says false', async () => {
  const session = await register('barbara@example.com');
  const out = await bank.request(LogoutDocument, { refreshToken: session.refreshToken });
  expect(out.data?.logout).toBe(true);
  const again = await bank.request(LogoutDocument, { refreshToken: session.refreshToken });
  expect(again.data?.logout).toBe(false);
  const refresh = await bank.request(RefreshTokenDocument, { refreshToken: session.refreshToken });
  expect(refresh.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
});
