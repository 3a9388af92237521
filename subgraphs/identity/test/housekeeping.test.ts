/**
 * Identity's housekeeping: expired challenges go a day after they expire;
 * live ones and recently expired ones stay.
 */
import { randomUUID } from 'node:crypto';
import { metricsOf } from '../../../platform/metrics.ts';
import { jobLabel } from '../../../platform/periodic.ts';
import { deleteExpiredChallenges } from '../src/services/housekeeping.ts';
import { startIdentity, type IdentityHarness } from './support.ts';

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity();
  // The service runs its housekeeping once as it starts: wait for that run to end, or it could delete
  // this test's rows under it (seen on a loaded machine: the sign-in below was gone before the test's run).
  const runs = metricsOf('identity').get('jobRuns');
  const ran = async () =>
    (await runs.get()).values.some((v) => v.labels.job === jobLabel('identity housekeeping') && v.value > 0);
  while (!(await ran())) await new Promise((resolve) => setTimeout(resolve, 20));
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3_600_000;

async function challenge(expiresAt: Date): Promise<string> {
  const id = randomUUID();
  await h.sql(
    `insert into login_challenges (id, user_id, first_factor, email_key, device, webauthn_challenge, attempts, created_at, expires_at)
     values (?, ?, 'pwd', null, null, null, 0, ?, ?)`,
    [id, randomUUID(), new Date(expiresAt.getTime() - 5 * 60_000), expiresAt],
  );
  return id;
}

async function oidcSignIn(expiresAt: Date): Promise<string> {
  const id = randomUUID();
  await h.sql(
    `insert into oidc_sign_ins (id, purpose, provider, issuer, state, nonce, code_verifier, user_id, created_at, expires_at)
     values (?, 'SIGN_IN', 'test', 'https://idp.example', ?, ?, ?, null, ?, ?)`,
    [id, randomUUID(), randomUUID(), 'v'.repeat(43), new Date(expiresAt.getTime() - 10 * 60_000), expiresAt],
  );
  return id;
}

test('deletes challenges expired for more than a day, and nothing else', async () => {
  const now = new Date();
  const old = await challenge(new Date(now.getTime() - 25 * HOUR));
  const recent = await challenge(new Date(now.getTime() - 2 * HOUR));
  const live = await challenge(new Date(now.getTime() + 5 * 60_000));
  const oldSignIn = await oidcSignIn(new Date(now.getTime() - 48 * HOUR));
  const liveSignIn = await oidcSignIn(new Date(now.getTime() + 10 * 60_000));

  const deleted = await deleteExpiredChallenges(h.running.orm.em, now);
  expect(deleted).toMatchObject({ login: 1, identityProvider: 1 });
  const left = (await h.sql<{ id: string }>('select id from login_challenges')).map((r) => r.id);
  expect(left).toEqual(expect.arrayContaining([recent, live]));
  expect(left).not.toContain(old);
  const signIns = (await h.sql<{ id: string }>('select id from oidc_sign_ins')).map((r) => r.id);
  expect(signIns).toContain(liveSignIn);
  expect(signIns).not.toContain(oldSignIn);
  // A second run finds nothing more.
  expect(await deleteExpiredChallenges(h.running.orm.em, now)).toEqual({ login: 0, passkey: 0, identityProvider: 0 });
});
