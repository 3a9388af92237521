/**
 * Paying bills through the router, with the stack on the Redis event bus:
 * every refusal of payBill (code, field, and nothing written in billing or
 * banking), a refusal by banking (insufficient funds) returned as a FAILED
 * payment with no debit, idempotency (one debit per key, a reused key
 * refused, concurrent retries), concurrent payments that together would pay
 * more than owed, and the events billing writes (`billing.bill.paid`,
 * `billing.payment.failed`, `billing.bill.due` by the due-notice job run for a
 * given day) with the notifications messaging makes of them.
 */
import type { BankingClient } from '../platform/banking-client.ts';
import { createLogger } from '../platform/logger.ts';
import { RedisEventBus } from '../platform/redis-event-bus.ts';
import { Bill } from '../subgraphs/billing/src/entities/index.ts';
import { sendDueNotices } from '../subgraphs/billing/src/services/jobs.ts';
import { recordPayment, runBillPayment } from '../subgraphs/billing/src/services/payments.ts';
import {
  addBill,
  bankingSql,
  billerOf,
  billEvents,
  billingJobDeps,
  billingRowCounts,
  billOf,
  dayFromToday,
  notificationsOf,
  PAY_BILL,
  payBill,
  refusalOf,
  type BillingRowCounts,
} from './support/billing.ts';
import { balanceOf, deposit, openAccount } from './support/lending.ts';
import { must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { testRedisPrefix, testRedisUrl } from './support/redis.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { until } from './support/ws.ts';

let bank: TestStack;
let url: string;
let admin: SignedUp;
let paula: SignedUp;
let olga: SignedUp;
let biller: { id: string; name: string };
/** Paula's accounts: funded USD, a EUR one, one with 10.00, a frozen one; Olga's USD account. */
let usd: string;
let eur: string;
let poor: string;
let frozen: string;
let olgaAccount: string;

interface PaymentView {
  id: string;
  status: string;
  amount: { amount: string };
  failureCode: string | null;
  failureReason: string | null;
  transaction: { id: string } | null;
  bill: { id: string; status: string; remaining: { amount: string } };
}

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<JsonResponse> =>
  postGraphQL(url, query, variables, token);

const pay = (user: SignedUp, input: Record<string, unknown>): Promise<JsonResponse> =>
  gql(PAY_BILL, { input }, user.token);

async function paid(user: SignedUp, input: Record<string, unknown>): Promise<PaymentView> {
  const { payBill } = await must<{ payBill: PaymentView }>(url, PAY_BILL, { input }, user.token);
  return payBill;
}

/** Runs `attempt`, expects the refusal, and that nothing was written in billing or banking. */
async function refused(attempt: () => Promise<JsonResponse>, code: string, field?: string): Promise<void> {
  const before = await billingRowCounts(bank);
  const result = await attempt();
  expect(refusalOf(result)).toEqual({ code, field });
  expect(result.data?.payBill ?? null).toBeNull();
  expect(await billingRowCounts(bank)).toEqual(before);
}

/** BILL_PAYMENT transactions out of an account, by status. */
async function debitsOf(account: string): Promise<{ id: string; status: string; amount: string }[]> {
  return bankingSql<{ id: string; status: string; amount: string }>(
    bank,
    `select id, status, amount::text as amount from transactions where kind = 'BILL_PAYMENT' and from_account_id = ?
      order by created_at`,
    [account],
  );
}

/** Waits until `user` has a notification of `kind` linking to the bill; returns how many such there are. */
async function notified(user: SignedUp, kind: string, billId: string): Promise<number> {
  const matching = async () =>
    (await notificationsOf(url, user)).filter((n) => n.kind === kind && n.link === `/bills/${billId}`).length;
  await until(async () => (await matching()) > 0, 15_000, `${kind} notification of bill ${billId}`);
  return matching();
}

const diff = (before: BillingRowCounts, after: BillingRowCounts): Partial<Record<keyof BillingRowCounts, number>> =>
  Object.fromEntries(
    (Object.keys(before) as (keyof BillingRowCounts)[])
      .map((k) => [k, after[k] - before[k]] as const)
      .filter(([, d]) => d !== 0),
  );

beforeAll(async () => {
  const bus = new RedisEventBus({
    url: testRedisUrl(),
    keyPrefix: testRedisPrefix(),
    logger: createLogger({ logLevel: 'silent' }, 'test'),
    blockMs: 200,
  });
  try {
    bank = await startTestStack({}, { bus });
  } catch (error) {
    await bus.close();
    throw error;
  }
  url = bank.routerUrl;
  [admin, paula, olga] = await Promise.all([
    signInAdmin(url),
    signUp(url, 'paula', 'CUSTOMER'),
    signUp(url, 'olga', 'CUSTOMER'),
  ]);
  [usd, eur, poor, frozen, olgaAccount] = await Promise.all([
    openAccount(url, paula, 'CHECKING'),
    openAccount(url, paula, 'SAVINGS', 'EUR'),
    openAccount(url, paula, 'SAVINGS'),
    openAccount(url, paula, 'SAVINGS'),
    openAccount(url, olga, 'CHECKING'),
  ]);
  await Promise.all([
    deposit(url, paula, usd, '5000.00'),
    deposit(url, paula, eur, '500.00'),
    deposit(url, paula, poor, '10.00'),
    deposit(url, paula, frozen, '500.00'),
    deposit(url, olga, olgaAccount, '500.00'),
  ]);
  await must(url, `mutation($id: ID!) { freezeAccount(id: $id) { id status } }`, { id: frozen }, admin.token);
  biller = await billerOf(url, paula, 'PHONE');
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

describe('payBill refusals (nothing written in billing or banking)', () => {
  let bill: string;
  let olgaBill: string;
  const good = () => ({ billId: bill, fromAccountId: usd, amount: '10.00', idempotencyKey: `k-${Math.random()}` });

  beforeAll(async () => {
    bill = await addBill(url, paula, { billerId: biller.id, amount: '120.00', dueDate: dayFromToday(10) });
    olgaBill = await addBill(url, olga, { billerId: biller.id, amount: '120.00', dueDate: dayFromToday(10) });
  });

  test('an unknown or malformed bill: NOT_FOUND / BAD_USER_INPUT on billId', async () => {
    await refused(
      () => pay(paula, { ...good(), billId: '00000000-0000-4000-8000-000000000004' }),
      'NOT_FOUND',
      'billId',
    );
    await refused(() => pay(paula, { ...good(), billId: 'my-phone-bill' }), 'BAD_USER_INPUT', 'billId');
  });

  test("someone else's bill is NOT_FOUND on billId; an ADMIN paying another user's bill is FORBIDDEN", async () => {
    await refused(() => pay(paula, { ...good(), billId: olgaBill }), 'NOT_FOUND', 'billId');
    await refused(() => pay(olga, { ...good(), fromAccountId: olgaAccount }), 'NOT_FOUND', 'billId');
    await refused(() => pay(admin, good()), 'FORBIDDEN');
    await refused(() => gql(PAY_BILL, { input: good() }), 'UNAUTHENTICATED');
  });

  test('cancelled and paid bills: INVALID_STATE_TRANSITION', async () => {
    const cancelled = await addBill(url, paula, { billerId: biller.id, amount: '5.00', dueDate: dayFromToday(10) });
    await must(url, `mutation($id: ID!) { cancelBill(id: $id) { id } }`, { id: cancelled }, paula.token);
    await refused(() => pay(paula, { ...good(), billId: cancelled, amount: '5.00' }), 'INVALID_STATE_TRANSITION');
    const settled = await addBill(url, paula, { billerId: biller.id, amount: '5.00', dueDate: dayFromToday(10) });
    await payBill(url, paula, { billId: settled, fromAccountId: usd, amount: '5.00' });
    await refused(() => pay(paula, { ...good(), billId: settled, amount: '5.00' }), 'INVALID_STATE_TRANSITION');
    await refused(() => pay(paula, { ...good(), billId: settled, amount: '0.01' }), 'INVALID_STATE_TRANSITION');
  });

  test('zero, negative, over-precise amounts: BAD_USER_INPUT on amount', async () => {
    for (const amount of ['0', '0.00', '-5.00', '1.005', '0.001', '10000000000000.01']) {
      await refused(() => pay(paula, { ...good(), amount }), 'BAD_USER_INPUT', 'amount');
    }
  });

  test('more than is still owed: BAD_USER_INPUT on amount, also after a partial payment', async () => {
    await refused(() => pay(paula, { ...good(), amount: '120.01' }), 'BAD_USER_INPUT', 'amount');
    await payBill(url, paula, { billId: bill, fromAccountId: usd, amount: '20.00' });
    await refused(() => pay(paula, { ...good(), amount: '100.01' }), 'BAD_USER_INPUT', 'amount');
    expect(await billOf(url, paula, bill)).toMatchObject({ status: 'DUE', remaining: { amount: '100.00' } });
  });

  test("someone else's account, an unknown one: NOT_FOUND on fromAccountId; a malformed id BAD_USER_INPUT", async () => {
    await refused(() => pay(paula, { ...good(), fromAccountId: olgaAccount }), 'NOT_FOUND', 'fromAccountId');
    await refused(
      () => pay(paula, { ...good(), fromAccountId: '00000000-0000-4000-8000-000000000005' }),
      'NOT_FOUND',
      'fromAccountId',
    );
    await refused(() => pay(paula, { ...good(), fromAccountId: 'checking' }), 'BAD_USER_INPUT', 'fromAccountId');
  });

  test('a EUR account for a USD bill: CURRENCY_MISMATCH; a frozen account: ACCOUNT_NOT_ACTIVE', async () => {
    await refused(() => pay(paula, { ...good(), fromAccountId: eur }), 'CURRENCY_MISMATCH', 'fromAccountId');
    await refused(() => pay(paula, { ...good(), fromAccountId: frozen }), 'ACCOUNT_NOT_ACTIVE', 'fromAccountId');
    expect(await balanceOf(url, paula, frozen)).toBe('500.00');
    expect(await balanceOf(url, paula, eur)).toBe('500.00');
  });

  test('an idempotency key blank or over 100 characters: BAD_USER_INPUT on idempotencyKey', async () => {
    await refused(() => pay(paula, { ...good(), idempotencyKey: '' }), 'BAD_USER_INPUT', 'idempotencyKey');
    await refused(() => pay(paula, { ...good(), idempotencyKey: 'k'.repeat(101) }), 'BAD_USER_INPUT', 'idempotencyKey');
  });
});

describe('a refusal by banking is a FAILED payment', () => {
  test('insufficient funds: FAILED with its code and reason, no debit, the bill unchanged, an event', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '120.00', dueDate: dayFromToday(12) });
    const before = await billingRowCounts(bank);
    const input = { billId: bill, fromAccountId: poor, amount: '120.00', idempotencyKey: 'poor-1' };
    const payment = await paid(paula, input);
    expect(payment).toEqual({
      id: expect.any(String),
      status: 'FAILED',
      amount: { amount: '120.00' },
      failureCode: 'INSUFFICIENT_FUNDS',
      failureReason: expect.stringMatching(/\S/),
      transaction: null,
      bill: { id: bill, status: 'DUE', remaining: { amount: '120.00' } },
    });
    expect(diff(before, await billingRowCounts(bank))).toEqual({ billPayments: 1, outboxEvents: 1 });
    expect(await debitsOf(poor)).toEqual([]);
    expect(await balanceOf(url, paula, poor)).toBe('10.00');
    expect(await billOf(url, paula, bill)).toMatchObject({ status: 'DUE', paid: { amount: '0.00' } });

    const events = await billEvents(bank, 'billing.payment.failed', bill);
    expect(events).toEqual([
      {
        type: 'billing.payment.failed',
        payload: {
          userId: paula.id,
          billId: bill,
          billerName: biller.name,
          amount: '120.00',
          currency: 'USD',
          dueDate: dayFromToday(12),
          paymentId: payment.id,
          reason: payment.failureReason,
        },
      },
    ]);
    // The account number is never in an event.
    expect(JSON.stringify(events)).not.toContain(poor);

    // A retry with the same key answers the same FAILED payment and writes nothing.
    const again = await billingRowCounts(bank);
    expect(await paid(paula, input)).toEqual(payment);
    expect(await billingRowCounts(bank)).toEqual(again);

    // Messaging tells the owner (and nobody else).
    expect(await notified(paula, 'BILL_PAYMENT_FAILED', bill)).toBe(1);
    expect((await notificationsOf(url, olga)).filter((n) => n.link === `/bills/${bill}`)).toEqual([]);

    // Only a failed payment on it: the bill can still be paid, from an account with the money.
    const ok = await paid(paula, { ...input, fromAccountId: usd, idempotencyKey: 'poor-2' });
    expect(ok).toMatchObject({ status: 'COMPLETED', bill: { status: 'PAID' } });
  });

  test('a bill with only a failed payment on it can still be cancelled', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '50.00', dueDate: dayFromToday(12) });
    expect(
      (await paid(paula, { billId: bill, fromAccountId: poor, amount: '50.00', idempotencyKey: 'poor-3' })).status,
    ).toBe('FAILED');
    const { cancelBill } = await must<{ cancelBill: { status: string } }>(
      url,
      `mutation($id: ID!) { cancelBill(id: $id) { status } }`,
      { id: bill },
      paula.token,
    );
    expect(cancelBill.status).toBe('CANCELLED');
  });
});

describe('a payment that goes through', () => {
  test('a debit to the bill settlement account, its transaction, `billing.bill.paid` once, a BILL_PAID notification', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '80.00', dueDate: dayFromToday(15) });
    const balance = await balanceOf(url, paula, usd);
    const before = await billingRowCounts(bank);
    const first = await paid(paula, { billId: bill, fromAccountId: usd, amount: '30.00', idempotencyKey: 'ok-1' });
    expect(first).toMatchObject({ status: 'COMPLETED', failureCode: null, failureReason: null });
    expect(first.bill).toEqual({ id: bill, status: 'DUE', remaining: { amount: '50.00' } });
    // A partial payment: no "paid" event.
    expect(await billEvents(bank, 'billing.bill.paid', bill)).toEqual([]);
    const last = await paid(paula, { billId: bill, fromAccountId: usd, amount: '50.00', idempotencyKey: 'ok-2' });
    expect(last.bill).toEqual({ id: bill, status: 'PAID', remaining: { amount: '0.00' } });
    expect(diff(before, await billingRowCounts(bank))).toEqual({
      billPayments: 2,
      outboxEvents: 1,
      bankingTransactions: 2,
    });

    const debits = await debitsOf(usd);
    expect(debits.filter((d) => d.id === first.transaction!.id || d.id === last.transaction!.id)).toEqual([
      { id: first.transaction!.id, status: 'POSTED', amount: '3000' },
      { id: last.transaction!.id, status: 'POSTED', amount: '5000' },
    ]);
    const [settlement] = await bankingSql<{ system_purpose: string | null; type: string }>(
      bank,
      `select a.type, a.system_purpose from transactions t join accounts a on a.id = t.to_account_id where t.id = ?`,
      [last.transaction!.id],
    );
    expect(settlement).toEqual({ type: 'SYSTEM', system_purpose: 'BILL_SETTLEMENT' });
    expect(await balanceOf(url, paula, usd)).toBe((Number(balance) - 80).toFixed(2));

    expect(await billEvents(bank, 'billing.bill.paid', bill)).toEqual([
      {
        type: 'billing.bill.paid',
        payload: {
          userId: paula.id,
          billId: bill,
          billerName: biller.name,
          amount: '80.00',
          currency: 'USD',
          dueDate: dayFromToday(15),
          paymentId: last.id,
        },
      },
    ]);
    expect(await notified(paula, 'BILL_PAID', bill)).toBe(1);
    expect((await notificationsOf(url, olga)).filter((n) => n.link === `/bills/${bill}`)).toEqual([]);
  });

  test('a EUR bill is paid from a EUR account (and a USD account is CURRENCY_MISMATCH)', async () => {
    const { createBiller } = await must<{ createBiller: { id: string } }>(
      url,
      `mutation($input: CreateBillerInput!) { createBiller(input: $input) { id } }`,
      { input: { name: 'Stadtwerke Berlin', category: 'UTILITIES', currency: 'EUR' } },
      admin.token,
    );
    const bill = await addBill(url, paula, { billerId: createBiller.id, amount: '45.50', dueDate: dayFromToday(15) });
    await refused(
      () => pay(paula, { billId: bill, fromAccountId: usd, amount: '45.50', idempotencyKey: 'eur-0' }),
      'CURRENCY_MISMATCH',
      'fromAccountId',
    );
    const payment = await paid(paula, { billId: bill, fromAccountId: eur, amount: '45.50', idempotencyKey: 'eur-1' });
    expect(payment).toMatchObject({ status: 'COMPLETED', bill: { status: 'PAID' } });
    expect(await balanceOf(url, paula, eur)).toBe('454.50');
  });
});

describe('idempotency', () => {
  test('the same key and input answers the first payment (one debit); another input is IDEMPOTENCY_KEY_REUSED', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '90.00', dueDate: dayFromToday(16) });
    const other = await addBill(url, paula, { billerId: biller.id, amount: '90.00', dueDate: dayFromToday(16) });
    const second = await openAccount(url, paula, 'SAVINGS');
    await deposit(url, paula, second, '100.00');
    const input = { billId: bill, fromAccountId: usd, amount: '30.00', idempotencyKey: 'idem-1' };
    const debitsBefore = (await debitsOf(usd)).length;
    const first = await paid(paula, input);
    expect(first.status).toBe('COMPLETED');
    const counts = await billingRowCounts(bank);
    const retry = await paid(paula, input);
    expect(retry.id).toBe(first.id);
    expect(retry).toMatchObject({ status: 'COMPLETED', transaction: first.transaction });
    expect(await billingRowCounts(bank)).toEqual(counts);
    expect((await debitsOf(usd)).length).toBe(debitsBefore + 1);

    await refused(() => pay(paula, { ...input, amount: '31.00' }), 'IDEMPOTENCY_KEY_REUSED', 'idempotencyKey');
    await refused(() => pay(paula, { ...input, billId: other }), 'IDEMPOTENCY_KEY_REUSED', 'idempotencyKey');
    await refused(() => pay(paula, { ...input, fromAccountId: second }), 'IDEMPOTENCY_KEY_REUSED', 'idempotencyKey');
    expect(await billOf(url, paula, bill)).toMatchObject({ remaining: { amount: '60.00' } });

    // Keys belong to their payer: Olga may use the same one.
    const olgaBill = await addBill(url, olga, { billerId: biller.id, amount: '10.00', dueDate: dayFromToday(16) });
    const olgas = await paid(olga, {
      billId: olgaBill,
      fromAccountId: olgaAccount,
      amount: '10.00',
      idempotencyKey: 'idem-1',
    });
    expect(olgas.status).toBe('COMPLETED');
    expect(olgas.id).not.toBe(first.id);

    // Once the bill is paid in full, a retry of the first request still answers the first payment.
    await paid(paula, { billId: bill, fromAccountId: usd, amount: '60.00', idempotencyKey: 'idem-2' });
    const late = await paid(paula, input);
    expect(late.id).toBe(first.id);
    expect(late.bill.status).toBe('PAID');
    expect((await debitsOf(usd)).length).toBe(debitsBefore + 2);
  });

  test('concurrent retries of one request: one payment, one debit', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '40.00', dueDate: dayFromToday(16) });
    const input = { billId: bill, fromAccountId: usd, amount: '40.00', idempotencyKey: 'idem-race' };
    const debitsBefore = (await debitsOf(usd)).length;
    const results = await Promise.all(Array.from({ length: 5 }, () => pay(paula, input)));
    const ids = new Set<string>();
    for (const result of results) {
      if (result.errors) {
        expect(refusalOf(result).code).toBe('IDEMPOTENCY_IN_PROGRESS');
      } else {
        ids.add((result.data!.payBill as PaymentView).id);
      }
    }
    expect(ids.size).toBe(1);
    const [row] = await bank.stack.subgraphs
      .billing!.orm.em.getConnection()
      .execute<{ n: string }[]>(`select count(*)::int as n from bill_payments where bill_id = ?`, [bill]);
    expect(Number(row!.n)).toBe(1);
    // Whatever the retries saw, the payment ends COMPLETED once.
    expect((await paid(paula, input)).status).toBe('COMPLETED');
    expect((await debitsOf(usd)).length).toBe(debitsBefore + 1);
    expect(await billOf(url, paula, bill)).toMatchObject({ status: 'PAID', paid: { amount: '40.00' } });
  });

  test('concurrent payments that together exceed the bill: it is paid once, the rest FAILED or refused, holds released', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '70.00', dueDate: dayFromToday(17) });
    const balance = await balanceOf(url, paula, usd);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        pay(paula, { billId: bill, fromAccountId: usd, amount: '70.00', idempotencyKey: `race-${i}` }),
      ),
    );
    const completed = results.filter((r) => (r.data?.payBill as PaymentView | undefined)?.status === 'COMPLETED');
    expect(completed).toHaveLength(1);
    for (const result of results) {
      const payment = result.data?.payBill as PaymentView | undefined;
      if (payment?.status === 'COMPLETED') continue;
      if (payment) {
        expect(payment).toMatchObject({ status: 'FAILED', transaction: null, failureCode: expect.any(String) });
      } else {
        expect(['BAD_USER_INPUT', 'INVALID_STATE_TRANSITION']).toContain(refusalOf(result).code);
      }
    }
    expect(await billOf(url, paula, bill)).toMatchObject({ status: 'PAID', paid: { amount: '70.00' } });
    expect(await balanceOf(url, paula, usd)).toBe((Number(balance) - 70).toFixed(2));
    const [account] = await bankingSql<{ held: string }>(bank, 'select held::text as held from accounts where id = ?', [
      usd,
    ]);
    expect(account?.held).toBe('0');
  });
});

describe('concurrent partial payments', () => {
  test('that together pay the bill: all COMPLETED, one debit each, the bill PAID exactly', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '100.00', dueDate: dayFromToday(18) });
    const balance = await balanceOf(url, paula, usd);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        paid(paula, { billId: bill, fromAccountId: usd, amount: '10.00', idempotencyKey: `part-${i}` }),
      ),
    );
    expect(results.map((p) => p.status)).toEqual(Array.from({ length: 10 }, () => 'COMPLETED'));
    expect(new Set(results.map((p) => p.transaction?.id)).size).toBe(10);
    expect(await billOf(url, paula, bill)).toMatchObject({ status: 'PAID', paid: { amount: '100.00' } });
    expect(await balanceOf(url, paula, usd)).toBe((Number(balance) - 100).toFixed(2));
    // One "paid" event per bill, however the payments interleave (the next test forces the bad interleaving).
    expect(await billEvents(bank, 'billing.bill.paid', bill)).toHaveLength(1);
  });

  test('a payment that completes after another one paid the bill off writes no second `billing.bill.paid`', async () => {
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '100.00', dueDate: dayFromToday(19) });
    // A first payment of 40.00 whose banking is slow: it is applied to the bill, then waits before its hold is posted.
    const deps = billingJobDeps(bank);
    let reachedPost!: () => void;
    let release!: () => void;
    const atPost = new Promise<void>((resolve) => (reachedPost = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const slowBanking: BankingClient = {
      ...deps.banking,
      async postHold(holdId) {
        reachedPost();
        await released;
        return deps.banking.postHold(holdId);
      },
    };
    const em = deps.em.fork();
    const payment = recordPayment(em, {
      bill: await em.findOneOrFail(Bill, { id: bill }),
      payerId: paula.id,
      fromAccountId: usd,
      amount: 4000n,
      idempotencyKey: 'slow-part',
      requestHash: 'slow-part',
      scheduledPaymentId: null,
    });
    await em.flush();
    const slow = runBillPayment({ ...deps, banking: slowBanking }, payment.id);
    await atPost;
    // Meanwhile the owner pays the other 60.00 through the router: this is the payment that pays the bill off.
    const last = await paid(paula, { billId: bill, fromAccountId: usd, amount: '60.00', idempotencyKey: 'fast-part' });
    expect(last).toMatchObject({ status: 'COMPLETED', bill: { status: 'PAID' } });
    release();
    expect((await slow)?.status).toBe('COMPLETED');
    expect(await billOf(url, paula, bill)).toMatchObject({ status: 'PAID', paid: { amount: '100.00' } });
    // Regression test. At HEAD (e82b658) payments.ts:179-180 (completePayment) wrote `billing.bill.paid` for every
    // payment completing while the bill was PAID: here twice, and 5 to 8 times with 10 concurrent partial payments
    // (previous test), each making a BILL_PAID notification. Exactly one event per bill.
    const events = await billEvents(bank, 'billing.bill.paid', bill);
    expect(events).toHaveLength(1);
    expect([payment.id, last.id]).toContain(events[0]!.payload.paymentId);
    expect(await notified(paula, 'BILL_PAID', bill)).toBe(1);
  });
});

describe('due notices (sendDueNotices with an explicit day)', () => {
  test('`billing.bill.due` once per unpaid bill due within 3 days, with what is still owed; BILL_DUE notification', async () => {
    const due = dayFromToday(100);
    const bill = await addBill(url, paula, { billerId: biller.id, amount: '80.00', dueDate: due });
    await payBill(url, paula, { billId: bill, fromAccountId: usd, amount: '30.00' });
    const paidBill = await addBill(url, paula, { billerId: biller.id, amount: '10.00', dueDate: due });
    await payBill(url, paula, { billId: paidBill, fromAccountId: usd, amount: '10.00' });
    const cancelled = await addBill(url, paula, { billerId: biller.id, amount: '10.00', dueDate: due });
    await must(url, `mutation($id: ID!) { cancelBill(id: $id) { id } }`, { id: cancelled }, paula.token);
    const later = await addBill(url, paula, { billerId: biller.id, amount: '10.00', dueDate: dayFromToday(104) });
    const deps = billingJobDeps(bank);
    const dueEvents = async () =>
      Object.fromEntries(
        await Promise.all(
          Object.entries({ bill, paidBill, cancelled, later }).map(
            async ([name, id]) => [name, (await billEvents(bank, 'billing.bill.due', id)).length] as const,
          ),
        ),
      );

    // Four days ahead: not yet.
    expect(await sendDueNotices(deps, dayFromToday(96))).toBe(0);
    expect(await dueEvents()).toEqual({ bill: 0, paidBill: 0, cancelled: 0, later: 0 });

    // Three days ahead: the unpaid one only, with its remaining amount.
    expect(await sendDueNotices(deps, dayFromToday(97))).toBe(1);
    expect(await dueEvents()).toEqual({ bill: 1, paidBill: 0, cancelled: 0, later: 0 });
    const [event] = await billEvents(bank, 'billing.bill.due', bill);
    expect(event!.payload).toEqual({
      userId: paula.id,
      billId: bill,
      billerName: biller.name,
      amount: '50.00',
      currency: 'USD',
      dueDate: due,
    });

    // Running again, the same day or later, writes no second event for it.
    expect(await sendDueNotices(deps, dayFromToday(97))).toBe(0);
    expect(await sendDueNotices(deps, dayFromToday(100))).toBe(0);
    expect(await dueEvents()).toEqual({ bill: 1, paidBill: 0, cancelled: 0, later: 0 });
    // Its turn comes for the later one.
    expect(await sendDueNotices(deps, dayFromToday(101))).toBe(1);
    expect(await dueEvents()).toEqual({ bill: 1, paidBill: 0, cancelled: 0, later: 1 });

    expect(await notified(paula, 'BILL_DUE', bill)).toBe(1);
    expect(await notified(paula, 'BILL_DUE', later)).toBe(1);
    expect(
      (await notificationsOf(url, paula)).filter((n) => n.link === `/bills/${paidBill}` && n.kind === 'BILL_DUE'),
    ).toEqual([]);
  });
});
