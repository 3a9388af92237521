/**
 * Step-up for payments (dynamic linking), end to end through the router:
 * transfers and bill payments over the threshold, to a new payee, or soon
 * after a security change need a second factor bound to exactly that
 * payment; nothing moves before it, and a proof for one payment authorizes
 * no other.
 */
import { issueStepUpProof } from '../platform/step-up.ts';
import { generateKeyConfig } from '../platform/keys.ts';
import { addBill, billerOf, dayFromToday, PAY_BILL, SCHEDULE } from './support/billing.ts';
import { balanceOf, deposit, openAccount } from './support/lending.ts';
import { signUp, type SignedUp } from './support/people.ts';
import { codeOf, enrolTotp, totpCode } from './support/second-factor.ts';
import { SoftwareAuthenticator, type CreationOptionsJSON } from './support/webauthn.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { statementsSentDuring, transactionStatements } from './support/statements.ts';

const ORIGIN = 'https://bank.test';
let bank: TestStack;
beforeAll(async () => {
  // Step-up is on by default; the shared test environment turns it off for other suites.
  bank = await startTestStack({ PAYMENT_STEP_UP: 'on', WEBAUTHN_RP_ID: 'bank.test', WEBAUTHN_ORIGINS: ORIGIN });
});
afterAll(async () => {
  await bank?.close();
});

const TRANSFER = `mutation ($input: TransferInput!) { transfer(input: $input) { id amount { amount } } }`;
const CONFIRM = `mutation ($id: String!, $proof: SecondFactorProof!) { confirmStepUp(challengeId: $id, proof: $proof) { proof expiresAt } }`;

interface Customer extends SignedUp {
  account: string;
  secret?: string;
  recoveryCodes?: string[];
}

let seq = 0;
async function customer(name: string, options: { factor?: boolean; funds?: string } = {}): Promise<Customer> {
  const user = await signUp(bank.routerUrl, `${name}-${(seq += 1)}`, 'CUSTOMER');
  const account = await openAccount(bank.routerUrl, user, 'CHECKING');
  if (options.funds) await deposit(bank.routerUrl, user, account, options.funds);
  if (!options.factor) return { ...user, account };
  const { secret, recoveryCodes } = await enrolTotp(bank.routerUrl, user.token);
  return { ...user, account, secret, recoveryCodes };
}

function transfer(from: Customer, to: string, amount: string, idempotencyKey: string, stepUpProof?: string) {
  return postGraphQL(
    bank.routerUrl,
    TRANSFER,
    { input: { fromAccountId: from.account, toAccountId: to, amount, idempotencyKey, stepUpProof } },
    from.token,
  );
}

interface Challenge {
  challengeId: string;
  reasons: string[];
  amount: string;
  currency: string;
  source: string;
  destination: string;
  proofRejected: boolean;
}

function challengeOf(result: JsonResponse): Challenge {
  expect(codeOf(result)).toBe('STEP_UP_REQUIRED');
  return result.errors![0]!.extensions as unknown as Challenge;
}

/** Confirms a challenge with a recovery code (each test's codes are its own; TOTP steps are shared by time). */
async function confirm(user: Customer, challengeId: string): Promise<string> {
  const code = user.recoveryCodes!.shift()!;
  const result = await postGraphQL(bank.routerUrl, CONFIRM, { id: challengeId, proof: { code } }, user.token);
  expect(result.errors).toBeUndefined();
  return (result.data!.confirmStepUp as { proof: string }).proof;
}

/** `payer` pays `payee` once, confirming the new payee's challenge: `payee` is a known payee from then on. */
async function payOnce(payer: Customer, payee: Customer, amount: string, idempotencyKey: string): Promise<void> {
  const first = challengeOf(await transfer(payer, payee.account, amount, idempotencyKey));
  expect(
    (await transfer(payer, payee.account, amount, idempotencyKey, await confirm(payer, first.challengeId))).errors,
  ).toBe(undefined);
}

async function historyCount(user: Customer): Promise<number> {
  const result = await postGraphQL(
    bank.routerUrl,
    `query ($id: ID!) { account(id: $id) { transactions(first: 100) { edges { node { id } } } } }`,
    { id: user.account },
    user.token,
  );
  expect(result.errors).toBeUndefined();
  return (result.data!.account as { transactions: { edges: unknown[] } }).transactions.edges.length;
}

describe('transfers', () => {
  test('to a new payee: refused with a challenge bound to the payment; nothing moves; confirmed, the retry goes through', async () => {
    const ann = await customer('ann', { factor: true, funds: '5000.00' });
    const bob = await customer('bob');
    const before = await historyCount(ann);

    const refused = await transfer(ann, bob.account, '50.00', 'new-payee-1');
    expect(refused.data?.transfer ?? null).toBeNull();
    const challenge = challengeOf(refused);
    expect(challenge).toMatchObject({
      reasons: ['NEW_PAYEE'],
      amount: '50.00',
      currency: 'USD',
      source: ann.account,
      destination: bob.account,
      proofRejected: false,
    });
    expect(challenge.challengeId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('5000.00');
    expect(await historyCount(ann)).toBe(before);
    // Asking again gives the same challenge: it is the payment's own hash.
    expect(challengeOf(await transfer(ann, bob.account, '50.00', 'new-payee-1')).challengeId).toBe(
      challenge.challengeId,
    );

    // A TOTP code confirms it as well as a recovery code.
    const confirmed = await postGraphQL(
      bank.routerUrl,
      CONFIRM,
      { id: challenge.challengeId, proof: { code: await totpCode(ann.secret!) } },
      ann.token,
    );
    expect(confirmed.errors).toBeUndefined();
    const proof = (confirmed.data!.confirmStepUp as { proof: string; expiresAt: string }).proof;

    const done = await transfer(ann, bob.account, '50.00', 'new-payee-1', proof);
    expect(done.errors).toBeUndefined();
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('4950.00');
    // The same key again is the same transfer, proof or not.
    const replay = await transfer(ann, bob.account, '50.00', 'new-payee-1');
    expect(replay.errors).toBeUndefined();
    expect((replay.data!.transfer as { id: string }).id).toBe((done.data!.transfer as { id: string }).id);
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('4950.00');

    // Bob is a known payee now: small transfers need nothing more.
    const again = await transfer(ann, bob.account, '20.00', 'known-payee-1');
    expect(again.errors).toBeUndefined();
  });

  test('a proof authorizes that payment alone: not another amount, payee, key or payer', async () => {
    const ann = await customer('ann', { factor: true, funds: '5000.00' });
    const bob = await customer('bob');
    const cat = await customer('cat');
    const challenge = challengeOf(await transfer(ann, bob.account, '50.00', 'bound-1'));
    const proof = await confirm(ann, challenge.challengeId);

    const otherAmount = challengeOf(await transfer(ann, bob.account, '60.00', 'bound-1', proof));
    expect(otherAmount.proofRejected).toBe(true);
    expect(otherAmount.challengeId).not.toBe(challenge.challengeId);
    expect(challengeOf(await transfer(ann, cat.account, '50.00', 'bound-1', proof)).proofRejected).toBe(true);
    expect(challengeOf(await transfer(ann, bob.account, '50.00', 'bound-2', proof)).proofRejected).toBe(true);
    // Another payer holding the proof gets nothing from it.
    const mallory = await customer('mallory', { funds: '100.00' });
    const stolen = await transfer(mallory, bob.account, '50.00', 'bound-1', proof);
    expect(challengeOf(stolen).proofRejected).toBe(true);
    // Garbage, a proof signed by another key, and an expired one are refused the same way.
    expect(challengeOf(await transfer(ann, bob.account, '50.00', 'bound-1', 'not-a-proof')).proofRejected).toBe(true);
    const forged = issueStepUpProof(
      generateKeyConfig().jwtPrivateKey,
      { userId: ann.id, challengeId: challenge.challengeId, amr: ['otp'] },
      300,
    ).proof;
    expect(challengeOf(await transfer(ann, bob.account, '50.00', 'bound-1', forged)).proofRejected).toBe(true);
    const shortLived = issueStepUpProof(
      bank.config.keys.jwtPrivateKey!,
      { userId: ann.id, challengeId: challenge.challengeId, amr: ['otp'] },
      1,
    ).proof;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(challengeOf(await transfer(ann, bob.account, '50.00', 'bound-1', shortLived)).proofRejected).toBe(true);

    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('5000.00');
    expect(await balanceOf(bank.routerUrl, mallory, mallory.account)).toBe('100.00');
    // The right payment with its proof still goes through.
    expect((await transfer(ann, bob.account, '50.00', 'bound-1', proof)).errors).toBeUndefined();
  });

  test('over the threshold, even to a known payee; between your own accounts, never', async () => {
    const ann = await customer('ann', { factor: true, funds: '9000.00' });
    const bob = await customer('bob');
    await payOnce(ann, bob, '10.00', 'known-1');

    expect((await transfer(ann, bob.account, '1000.00', 'at-threshold')).errors).toBeUndefined();
    const over = challengeOf(await transfer(ann, bob.account, '1000.01', 'over-threshold'));
    expect(over.reasons).toEqual(['AMOUNT_OVER_THRESHOLD']);
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('7990.00');

    const savings = await openAccount(bank.routerUrl, ann, 'SAVINGS');
    const own = await transfer(ann, savings, '5000.00', 'own-accounts');
    expect(own.errors).toBeUndefined();
    expect(await balanceOf(bank.routerUrl, ann, savings)).toBe('5000.00');
  });

  test('a wrong or spent second factor confirms nothing, and counts toward the sign-in lock', async () => {
    const ann = await customer('ann', { factor: true, funds: '100.00' });
    const bob = await customer('bob');
    const { challengeId } = challengeOf(await transfer(ann, bob.account, '10.00', 'wrong-1'));
    const wrong = await postGraphQL(bank.routerUrl, CONFIRM, { id: challengeId, proof: { code: '000000' } }, ann.token);
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    const used = ann.recoveryCodes![0]!;
    await confirm(ann, challengeId);
    const spent = await postGraphQL(bank.routerUrl, CONFIRM, { id: challengeId, proof: { code: used } }, ann.token);
    expect(codeOf(spent)).toBe('UNAUTHENTICATED');
    const malformed = await postGraphQL(
      bank.routerUrl,
      CONFIRM,
      { id: 'not a challenge', proof: { code: '123456' } },
      ann.token,
    );
    expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
    expect(codeOf(await postGraphQL(bank.routerUrl, CONFIRM, { id: challengeId, proof: { code: '1' } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('100.00');
  });

  test('a customer without a second factor is told to turn one on first', async () => {
    const dan = await customer('dan', { funds: '100.00' });
    const bob = await customer('bob');
    const { challengeId } = challengeOf(await transfer(dan, bob.account, '10.00', 'no-factor'));
    const result = await postGraphQL(
      bank.routerUrl,
      CONFIRM,
      { id: challengeId, proof: { code: '123456' } },
      dan.token,
    );
    expect(codeOf(result)).toBe('MFA_REQUIRED');
    expect(result.errors![0]!.extensions!.reason).toBe('ENROLMENT_REQUIRED');
    expect(await balanceOf(bank.routerUrl, dan, dan.account)).toBe('100.00');
  });

  test("a transfer that passes reads recent security changes with the key's claim, not in a round trip of its own", async () => {
    const ann = await customer('ann', { factor: true, funds: '100.00' });
    const bob = await customer('bob');
    await payOnce(ann, bob, '1.00', 'probe-1');
    const sent = await statementsSentDuring(async () => {
      expect((await transfer(ann, bob.account, '1.00', 'probe-2')).errors).toBeUndefined();
    });
    // The posting's transaction, on the connection that claimed the key.
    const posting = transactionStatements(sent, /pg_try_advisory_xact_lock/);
    // Begin, the claim with the probe, the key's record, the accounts' lock, the new-payee check, the write, commit.
    expect(posting).toHaveLength(7);
    expect(posting.filter((s) => s.includes('security_changes'))).toEqual([
      expect.stringContaining('pg_try_advisory_xact_lock'),
    ]);
  });

  test('after a password change, even a small payment to a known payee needs a second factor', async () => {
    const ann = await customer('ann', { factor: true, funds: '100.00' });
    const bob = await customer('bob');
    await payOnce(ann, bob, '1.00', 'change-1');
    expect((await transfer(ann, bob.account, '1.00', 'change-2')).errors).toBeUndefined();

    const changed = await postGraphQL(
      bank.routerUrl,
      'mutation { changePassword(currentPassword: "correct horse battery staple", newPassword: "a fresh long passphrase") }',
      {},
      ann.token,
    );
    expect(changed.errors).toBeUndefined();
    // Banking learns of it from identity's events, a moment later.
    let result: JsonResponse = {};
    const deadline = Date.now() + 10_000;
    for (let i = 0; Date.now() < deadline; i += 1) {
      result = await transfer(ann, bob.account, '1.00', `change-3-${i}`);
      if (result.errors) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(challengeOf(result).reasons).toEqual(['RECENT_SECURITY_CHANGE']);
  });
});

test('a passkey confirms a payment by signing its challenge id; a signature over another payment is refused', async () => {
  const eve = await customer('eve', { funds: '500.00' });
  const bob = await customer('bob');
  const key = new SoftwareAuthenticator({ origin: ORIGIN, transports: ['internal'] });
  const begun = await postGraphQL(
    bank.routerUrl,
    'mutation { beginPasskeyRegistration(label: "Phone") { id creationOptions } }',
    {},
    eve.token,
  );
  const registration = begun.data!.beginPasskeyRegistration as { id: string; creationOptions: string };
  const created = key.create(JSON.parse(registration.creationOptions) as CreationOptionsJSON);
  const completed = await postGraphQL(
    bank.routerUrl,
    'mutation ($id: ID!, $r: String!) { completePasskeyRegistration(id: $id, response: $r) { factor { kind } } }',
    { id: registration.id, r: JSON.stringify(created) },
    eve.token,
  );
  expect(completed.errors).toBeUndefined();

  const { challengeId } = challengeOf(await transfer(eve, bob.account, '25.00', 'passkey-1'));
  const other = challengeOf(await transfer(eve, bob.account, '26.00', 'passkey-2')).challengeId;
  const sign = (challenge: string) => JSON.stringify(key.get({ challenge, rpId: 'bank.test', allowCredentials: [] }));
  const wrong = await postGraphQL(
    bank.routerUrl,
    CONFIRM,
    { id: challengeId, proof: { passkeyResponse: sign(other) } },
    eve.token,
  );
  expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
  const confirmed = await postGraphQL(
    bank.routerUrl,
    CONFIRM,
    { id: challengeId, proof: { passkeyResponse: sign(challengeId) } },
    eve.token,
  );
  expect(confirmed.errors).toBeUndefined();
  const proof = (confirmed.data!.confirmStepUp as { proof: string }).proof;
  expect((await transfer(eve, bob.account, '25.00', 'passkey-1', proof)).errors).toBeUndefined();
  expect(await balanceOf(bank.routerUrl, eve, eve.account)).toBe('475.00');
});

describe('bill payments', () => {
  test('the first payment to a biller needs a second factor; nothing is recorded before it; the next does not', async () => {
    const ann = await customer('ann', { factor: true, funds: '1000.00' });
    const biller = await billerOf(bank.routerUrl, ann);
    const billId = await addBill(bank.routerUrl, ann, { billerId: biller.id, amount: '120.00' });
    const pay = (amount: string, idempotencyKey: string, stepUpProof?: string) =>
      postGraphQL(
        bank.routerUrl,
        PAY_BILL,
        { input: { billId, fromAccountId: ann.account, amount, idempotencyKey, stepUpProof } },
        ann.token,
      );

    const challenge = challengeOf(await pay('60.00', 'bill-1'));
    expect(challenge).toMatchObject({
      reasons: ['NEW_PAYEE'],
      amount: '60.00',
      currency: 'USD',
      source: ann.account,
      destination: biller.id,
    });
    const payments = await postGraphQL(
      bank.routerUrl,
      '{ me { billPayments(first: 10) { edges { node { id } } } } }',
      {},
      ann.token,
    );
    expect(payments.errors).toBeUndefined();
    expect((payments.data!.me as { billPayments: { edges: unknown[] } }).billPayments.edges).toEqual([]);
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('1000.00');

    const proof = await confirm(ann, challenge.challengeId);
    expect(challengeOf(await pay('61.00', 'bill-1', proof)).proofRejected).toBe(true);
    const paid = await pay('60.00', 'bill-1', proof);
    expect(paid.errors).toBeUndefined();
    expect((paid.data!.payBill as { status: string }).status).toBe('COMPLETED');
    expect(await balanceOf(bank.routerUrl, ann, ann.account)).toBe('940.00');

    const second = await pay('60.00', 'bill-2');
    expect(second.errors).toBeUndefined();
    expect((second.data!.payBill as { status: string }).status).toBe('COMPLETED');
  });

  test('scheduling a payment authorizes it: the rule applies when it is scheduled', async () => {
    const ann = await customer('ann', { factor: true, funds: '5000.00' });
    const biller = await billerOf(bank.routerUrl, ann, 'INTERNET');
    const billId = await addBill(bank.routerUrl, ann, { billerId: biller.id, amount: '1500.00' });
    const schedule = (stepUpProof?: string) =>
      postGraphQL(
        bank.routerUrl,
        SCHEDULE,
        { input: { billId, fromAccountId: ann.account, payOn: dayFromToday(3), stepUpProof } },
        ann.token,
      );
    const challenge = challengeOf(await schedule());
    expect(challenge).toMatchObject({
      reasons: ['AMOUNT_OVER_THRESHOLD', 'NEW_PAYEE'],
      amount: '1500.00',
      destination: biller.id,
    });
    const scheduled = await schedule(await confirm(ann, challenge.challengeId));
    expect(scheduled.errors).toBeUndefined();
    expect((scheduled.data!.schedulePayment as { status: string }).status).toBe('SCHEDULED');
  });
});
