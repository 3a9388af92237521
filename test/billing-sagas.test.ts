/**
 * The bill payment saga (platform/hold-saga.ts through
 * subgraphs/billing/src/services/payments.ts) under injected failures,
 * banking going down, and concurrent payments of one bill.
 *
 * A failure is injected by running billing's own `BillPayments` service (as
 * the subgraph builds it for a request) over a banking client that crashes,
 * or answers like an unreachable or refusing banking, before or after one of
 * its calls (test/support/faults.ts `faultyBanking`). A "restart" is the
 * recovery job run at once (`recoverPayments(deps, 0)`), or the client
 * retrying through the router. After every case the invariant is checked
 * over both whole databases (test/support/faults.ts `billingViolations`):
 * each payment ends COMPLETED with exactly one posted debit, or FAILED with
 * no debit and its hold (if any) voided; never a debit without a payment,
 * never two; what a bill says is paid is what its applied payments add up
 * to; the ledger balances.
 *
 * The stack's own jobs also run every 5 s (recovery of payments PENDING for
 * more than 5 s, the scheduler for today); every step is idempotent, so they
 * may only finish earlier what the test's restart finishes. Assertions about
 * the state between a failure and its restart are made at once, well within
 * those 5 s.
 *
 * Banking going down for real (its subgraph stopped, then started again on
 * the same port, the stack's own recovery job finishing the payments) runs on
 * a second stack of its own, so that the main stack's banking is never
 * stopped. Tests of fixed bugs (marked "Fixed bug") run last on their
 * stack: should a bug come back, what it leaves behind would otherwise fail
 * the whole-database invariant of every later test.
 */
import { StepUpPolicy } from '../platform/step-up.ts';
import { LockMode } from '@mikro-orm/core';
import { createBankingClient, type BankingClient } from '../platform/banking-client.ts';
import type { Caller } from '../platform/caller.ts';
import { ErrorCode } from '../platform/errors.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { startSubgraph, type RunningSubgraph } from '../platform/subgraph.ts';
import { loadSubgraph } from '../bin/subgraphs.ts';
import { Bill } from '../subgraphs/billing/src/entities/index.ts';
import { Billers } from '../subgraphs/billing/src/services/billers.ts';
import { Bills } from '../subgraphs/billing/src/services/bills.ts';
import {
  BillPayments,
  recoverPayments,
  runBillPayment,
  type PaymentDeps,
} from '../subgraphs/billing/src/services/payments.ts';
import { addBill, billerOf, PAY_BILL } from './support/billing.ts';
import {
  billingViolations,
  crash,
  faultyBanking,
  refusal,
  sqlOver,
  twoRunsQueuedOnLock,
  unreachable,
  type Injection,
  type Sql,
} from './support/faults.ts';
import { deposit, openAccount, problemOf } from './support/lending.ts';
import { must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

/** Each payer starts with 500.00 in a CHECKING account and a bill of 120.00. */
const FUNDS = 50_000n;
const BILL = 12_000n;

/** 12000n → "120.00". */
const money = (minor: bigint): string => `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`;

/** Billing's services and saga outside the router, over a banking client of the test's choosing. */
interface Harness {
  /** Billing's client of banking, over HTTP, that never fails on purpose. */
  banking: BankingClient;
  deps(banking?: BankingClient): PaymentDeps;
  /** `BillPayments` as the billing subgraph builds it for a request of `user`, with `banking`. */
  payments(user: SignedUp, banking: BankingClient): BillPayments;
  /** A restart: the recovery job, run now over every PENDING payment. */
  recover(): Promise<number>;
  billingSql: Sql;
  bankingSql: Sql;
  violations(settled?: boolean): Promise<string[]>;
}

function harness(stack: TestStack, bankingSubgraph: () => RunningSubgraph, logger: Logger): Harness {
  const billing = stack.stack.subgraphs.billing;
  const privateKey = stack.config.keys.serviceSigningPrivateKey;
  if (!billing || !privateKey) throw new Error('billing must run, with a service key');
  const real = createBankingClient({ url: bankingSubgraph().url, service: 'billing', privateKey });
  const deps = (banking: BankingClient = real): PaymentDeps => ({ em: billing.orm.em, banking, logger });
  const billingSql = sqlOver(billing.orm);
  const bankingSql: Sql = { execute: (sql, params) => sqlOver(bankingSubgraph().orm).execute(sql, params) };
  return {
    banking: real,
    deps,
    payments(user, banking) {
      const em = billing.orm.em.fork();
      const caller: Caller = { kind: 'user', userId: user.id, roles: ['CUSTOMER'] };
      const bills = new Bills(em, caller, new Billers(em, caller));
      return new BillPayments(em, caller, { bills, saga: deps(banking), stepUp: new StepUpPolicy(stack.config) });
    },
    recover: () => recoverPayments(deps(real), 0),
    billingSql,
    bankingSql,
    violations: (settled = true) => billingViolations(billingSql, bankingSql, settled),
  };
}

/** A customer with a funded CHECKING account and one bill. */
interface Payer {
  user: SignedUp;
  account: string;
  billId: string;
}

let people = 0;

async function newPayer(
  url: string,
  billerId: string,
  prefix: string,
  funds: bigint = FUNDS,
  bill: bigint = BILL,
): Promise<Payer> {
  const user = await signUp(url, `bill-${prefix}-${++people}`, 'CUSTOMER');
  const account = await openAccount(url, user, 'CHECKING');
  if (funds > 0n) await deposit(url, user, account, money(funds));
  const billId = await addBill(url, user, { billerId, amount: money(bill) });
  return { user, account, billId };
}

/** Where one payer's bill and account stand, in billing and in banking. */
interface PaymentState {
  /** Payments of the bill, by status. */
  payments: { PENDING: number; COMPLETED: number; FAILED: number };
  /** What the bill says is paid. */
  paid: bigint;
  billStatus: string;
  /** BILL_PAYMENT transactions out of the account, by status. */
  debits: { PENDING: number; POSTED: number; VOIDED: number };
  balance: bigint;
  held: bigint;
}

async function paymentState(h: Harness, payer: Payer): Promise<PaymentState> {
  const rows = await h.billingSql.execute<{ status: keyof PaymentState['payments'] }[]>(
    'select status from bill_payments where bill_id = ?',
    [payer.billId],
  );
  const [bill] = await h.billingSql.execute<{ paid: string; status: string }[]>(
    'select paid::text as paid, status from bills where id = ?',
    [payer.billId],
  );
  const txs = await h.bankingSql.execute<{ status: keyof PaymentState['debits'] }[]>(
    `select status from transactions where kind = 'BILL_PAYMENT' and from_account_id = ?`,
    [payer.account],
  );
  const [account] = await h.bankingSql.execute<{ balance: string; held: string }[]>(
    'select balance::text as balance, held::text as held from accounts where id = ?',
    [payer.account],
  );
  const payments = { PENDING: 0, COMPLETED: 0, FAILED: 0 };
  for (const r of rows) payments[r.status] += 1;
  const debits = { PENDING: 0, POSTED: 0, VOIDED: 0 };
  for (const t of txs) debits[t.status] += 1;
  return {
    payments,
    paid: BigInt(bill?.paid ?? '-1'),
    billStatus: bill?.status ?? 'MISSING',
    debits,
    balance: BigInt(account?.balance ?? '-1'),
    held: BigInt(account?.held ?? '-1'),
  };
}

const PAYMENT = `query($id: ID!) {
  billPayment(id: $id) {
    id status amount { amount } failureCode failureReason settledAt transaction { id kind status }
    bill { status paid { amount } remaining { amount } }
  }
}`;

interface PaymentView {
  id: string;
  status: string;
  amount: { amount: string };
  failureCode: string | null;
  failureReason: string | null;
  settledAt: string | null;
  transaction: { id: string; kind: string; status: string } | null;
  bill: { status: string; paid: { amount: string }; remaining: { amount: string } };
}

const paymentView = async (url: string, payer: Payer, id: string): Promise<PaymentView> =>
  (await must<{ billPayment: PaymentView }>(url, PAYMENT, { id }, payer.user.token)).billPayment;

const payThroughRouter = (url: string, payer: Payer, amount: string, idempotencyKey: string): Promise<JsonResponse> =>
  postGraphQL(
    url,
    PAY_BILL,
    { input: { billId: payer.billId, fromAccountId: payer.account, amount, idempotencyKey } },
    payer.user.token,
  );

interface PaidView {
  id: string;
  status: string;
  failureCode: string | null;
  failureReason: string | null;
  transaction: { id: string } | null;
}

const paidOf = (result: JsonResponse): PaidView => {
  if (result.errors?.length || !result.data) throw new Error(`payBill failed: ${JSON.stringify(result.errors)}`);
  return result.data.payBill as PaidView;
};

// ---------------------------------------------------------------------------

let bank: TestStack;
let url: string;
let billerId: string;
let h: Harness;

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  const someone = await signUp(url, 'bill-saga-someone', 'CUSTOMER');
  billerId = (await billerOf(url, someone, 'UTILITIES')).id;
  h = harness(bank, () => bank.stack.subgraphs.banking!, createLogger(bank.config, 'billing-saga-test'));
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

const payer = (prefix: string, funds?: bigint, bill?: bigint): Promise<Payer> =>
  newPayer(url, billerId, prefix, funds, bill);

/** Pays with billing's own service over `banking` (which fails where the test says). */
const payWith = (banking: BankingClient, p: Payer, amount: bigint, idempotencyKey: string) =>
  h
    .payments(p.user, banking)
    .pay({ billId: p.billId, fromAccountId: p.account, amount: money(amount), idempotencyKey });

/** The payer's only payment's id. */
async function onlyPaymentOf(p: Payer): Promise<string> {
  const rows = await h.billingSql.execute<{ id: string }[]>('select id from bill_payments where bill_id = ?', [
    p.billId,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/** Where a payment's saga stops, and what banking and the bill hold then. */
interface StopPoint {
  step: Injection['step'];
  when: Injection['when'];
  /** The debit when the saga stops. */
  debit: 'none' | 'PENDING' | 'POSTED';
  /** Whether the payment counts on the bill by then. */
  applied: boolean;
}

const STOPS: Record<string, StopPoint> = {
  'before createHold': { step: 'createHold', when: 'before', debit: 'none', applied: false },
  'after createHold (the hold exists, not recorded, not applied)': {
    step: 'createHold',
    when: 'after',
    debit: 'PENDING',
    applied: false,
  },
  'after it is applied on the bill, before postHold': {
    step: 'postHold',
    when: 'before',
    debit: 'PENDING',
    applied: true,
  },
  'after postHold, before it is marked COMPLETED (money moved)': {
    step: 'postHold',
    when: 'after',
    debit: 'POSTED',
    applied: true,
  },
};

/** The state between a stop and the restart: one PENDING payment, at most one debit, where the stop says. */
async function expectStopped(p: Payer, stop: StopPoint): Promise<void> {
  expect(await paymentState(h, p)).toEqual({
    payments: { PENDING: 1, COMPLETED: 0, FAILED: 0 },
    paid: stop.applied ? BILL : 0n,
    billStatus: stop.applied ? 'PAID' : 'DUE',
    debits: { PENDING: stop.debit === 'PENDING' ? 1 : 0, POSTED: stop.debit === 'POSTED' ? 1 : 0, VOIDED: 0 },
    balance: stop.debit === 'POSTED' ? FUNDS - BILL : FUNDS,
    held: stop.debit === 'PENDING' ? BILL : 0n,
  });
  expect(await h.violations(false)).toEqual([]);
}

/** Paid once: one COMPLETED payment naming its one posted debit, the bill PAID, the account debited once. */
async function expectPaidOnce(p: Payer, paymentId: string): Promise<void> {
  expect(await paymentState(h, p)).toEqual({
    payments: { PENDING: 0, COMPLETED: 1, FAILED: 0 },
    paid: BILL,
    billStatus: 'PAID',
    debits: { PENDING: 0, POSTED: 1, VOIDED: 0 },
    balance: FUNDS - BILL,
    held: 0n,
  });
  expect(await paymentView(url, p, paymentId)).toMatchObject({
    id: paymentId,
    status: 'COMPLETED',
    failureCode: null,
    transaction: { kind: 'BILL_PAYMENT', status: 'POSTED' },
    bill: { status: 'PAID', remaining: { amount: '0.00' } },
  });
  expect(await h.violations()).toEqual([]);
}

/** Nothing paid: the payment FAILED (with `code`), no debit, any hold voided, the bill and account as they were. */
async function expectFailed(p: Payer, paymentId: string, code: unknown, voided: number, funds = FUNDS): Promise<void> {
  expect(await paymentState(h, p)).toEqual({
    payments: { PENDING: 0, COMPLETED: 0, FAILED: 1 },
    paid: 0n,
    billStatus: 'DUE',
    debits: { PENDING: 0, POSTED: 0, VOIDED: voided },
    balance: funds,
    held: 0n,
  });
  const view = await paymentView(url, p, paymentId);
  expect(view).toMatchObject({
    status: 'FAILED',
    failureCode: code,
    transaction: null,
    bill: { status: 'DUE', paid: { amount: '0.00' }, remaining: { amount: money(BILL) } },
  });
  expect(view.failureReason).toBeTruthy();
  expect(view.settledAt).toBeTruthy();
  expect(await h.violations()).toEqual([]);
}

describe('bill payment: a crash at any step, then a restart', () => {
  test('a crash before anything is recorded (at the account check): no payment, nothing moved', async () => {
    const p = await payer('crash-account');
    const banking = faultyBanking(h.banking, { step: 'account', when: 'before', error: crash });
    await expect(payWith(banking, p, BILL, 'crash-0')).rejects.toThrow('injected crash');
    await h.recover();
    expect(await paymentState(h, p)).toEqual({
      payments: { PENDING: 0, COMPLETED: 0, FAILED: 0 },
      paid: 0n,
      billStatus: 'DUE',
      debits: { PENDING: 0, POSTED: 0, VOIDED: 0 },
      balance: FUNDS,
      held: 0n,
    });
    expect(await h.violations()).toEqual([]);
    // The client's retry pays it.
    const retried = paidOf(await payThroughRouter(url, p, money(BILL), 'crash-0'));
    expect(retried.status).toBe('COMPLETED');
    await expectPaidOnce(p, retried.id);
  });

  test.each(Object.entries(STOPS))('crash %s: the restart completes it with exactly one debit', async (_, stop) => {
    const p = await payer('crash');
    const banking = faultyBanking(h.banking, { step: stop.step, when: stop.when, error: crash });
    await expect(payWith(banking, p, BILL, 'crash-1')).rejects.toThrow('injected crash');
    expect(banking.fired).toHaveLength(1);
    await expectStopped(p, stop);
    const id = await onlyPaymentOf(p);

    expect(await h.recover()).toBeGreaterThanOrEqual(1);
    await expectPaidOnce(p, id);

    // The client's retry answers with the completed payment; nothing moves again.
    const retried = paidOf(await payThroughRouter(url, p, money(BILL), 'crash-1'));
    expect(retried).toMatchObject({ id, status: 'COMPLETED' });
    await h.recover();
    await expectPaidOnce(p, id);
  });

  test('crash after it is applied, restarted by the client retrying through the router', async () => {
    const p = await payer('client-retry');
    const banking = faultyBanking(h.banking, { step: 'postHold', when: 'before', error: crash });
    await expect(payWith(banking, p, BILL, 'retry-1')).rejects.toThrow('injected crash');
    await expectStopped(p, STOPS['after it is applied on the bill, before postHold']!);
    const retried = paidOf(await payThroughRouter(url, p, money(BILL), 'retry-1'));
    expect(retried.status).toBe('COMPLETED');
    expect(retried.transaction).not.toBeNull();
    await expectPaidOnce(p, retried.id);
  });

  test('several restarts at once (recovery on two instances and a client retry): one debit', async () => {
    const p = await payer('restarts');
    const banking = faultyBanking(h.banking, { step: 'createHold', when: 'after', error: crash });
    await expect(payWith(banking, p, BILL, 'many-1')).rejects.toThrow('injected crash');
    const [, , retry] = await Promise.all([
      h.recover(),
      recoverPayments(h.deps(), 0),
      payThroughRouter(url, p, money(BILL), 'many-1'),
    ]);
    // The retry may meet a restart in progress (banking answers IDEMPOTENCY_IN_PROGRESS, transient): then PENDING.
    expect(['COMPLETED', 'PENDING']).toContain(paidOf(retry).status);
    await h.recover();
    await expectPaidOnce(p, await onlyPaymentOf(p));
  });

  test('two runs resuming the same payment, queued on the bill lock, apply it once', async () => {
    const p = await payer('double');
    const banking = faultyBanking(h.banking, { step: 'createHold', when: 'before', error: crash });
    await expect(payWith(banking, p, BILL, 'double-1')).rejects.toThrow('injected crash');
    const id = await onlyPaymentOf(p);
    // The bill's lock is held (as by another payment being applied) while two runs resume this one.
    const results = await twoRunsQueuedOnLock(
      bank.stack.subgraphs.billing!.orm,
      (em) => em.findOneOrFail(Bill, { id: p.billId }, { lockMode: LockMode.PESSIMISTIC_WRITE }),
      () => runBillPayment(h.deps(), id),
    );
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value?.status))).toEqual([
      'COMPLETED',
      'COMPLETED',
    ]);
    await expectPaidOnce(p, id);
  });
});

describe('bill payment: banking unreachable at any step', () => {
  test.each(Object.entries(STOPS))(
    'no answer %s: payBill returns it PENDING; recovery completes it with exactly one debit',
    async (_, stop) => {
      const p = await payer('transient');
      const banking = faultyBanking(h.banking, { step: stop.step, when: stop.when, error: unreachable });
      const pending = await payWith(banking, p, BILL, 'transient-1');
      expect(pending.status).toBe('PENDING');
      expect(banking.fired).toHaveLength(1);
      await expectStopped(p, stop);

      // The owner sees it PENDING, nothing failed, no transaction yet.
      expect(await paymentView(url, p, pending.id)).toMatchObject({
        status: 'PENDING',
        failureCode: null,
        failureReason: null,
        settledAt: null,
        transaction: null,
      });

      await h.recover();
      await expectPaidOnce(p, pending.id);
    },
  );

  test('the restart finds banking still unreachable: still PENDING, nothing moved twice; the next one completes it', async () => {
    const p = await payer('still-down');
    const banking = faultyBanking(h.banking, { step: 'postHold', when: 'before', error: unreachable });
    expect((await payWith(banking, p, BILL, 'down-1')).status).toBe('PENDING');
    const down = faultyBanking(h.banking, {
      step: 'postHold',
      when: 'before',
      error: unreachable,
      times: Infinity,
    });
    await recoverPayments(h.deps(down), 0);
    await recoverPayments(h.deps(down), 0);
    expect(down.fired.length).toBeGreaterThanOrEqual(2);
    await expectStopped(p, STOPS['after it is applied on the bill, before postHold']!);
    await h.recover();
    await expectPaidOnce(p, await onlyPaymentOf(p));
  });
});

describe('bill payment: definite refusals', () => {
  test('insufficient funds at the hold: FAILED INSUFFICIENT_FUNDS, no debit, no hold, the bill unchanged; a retry answers the same', async () => {
    const p = await payer('poor', 5_000n);
    const result = paidOf(await payThroughRouter(url, p, money(BILL), 'poor-1'));
    expect(result).toMatchObject({ status: 'FAILED', failureCode: 'INSUFFICIENT_FUNDS', transaction: null });
    await expectFailed(p, result.id, 'INSUFFICIENT_FUNDS', 0, 5_000n);
    await h.recover();
    const retry = paidOf(await payThroughRouter(url, p, money(BILL), 'poor-1'));
    expect(retry).toEqual(result);
    await expectFailed(p, result.id, 'INSUFFICIENT_FUNDS', 0, 5_000n);
  });

  test('the restart finds the account frozen: FAILED ACCOUNT_NOT_ACTIVE, nothing moved', async () => {
    const p = await payer('frozen');
    const banking = faultyBanking(h.banking, { step: 'createHold', when: 'before', error: crash });
    await expect(payWith(banking, p, BILL, 'frozen-1')).rejects.toThrow('injected crash');
    await expectStopped(p, STOPS['before createHold']!);
    const admin = await signInAdmin(url);
    await must(url, `mutation($id: ID!) { freezeAccount(id: $id) { status } }`, { id: p.account }, admin.token);
    await h.recover();
    await expectFailed(p, await onlyPaymentOf(p), 'ACCOUNT_NOT_ACTIVE', 0);
  });

  test('a refusal of the post met by a restart after it is applied is not compensated: a later restart completes it', async () => {
    const p = await payer('post-refused');
    const banking = faultyBanking(h.banking, { step: 'postHold', when: 'before', error: crash });
    await expect(payWith(banking, p, BILL, 'refused-post-1')).rejects.toThrow('injected crash');
    const refusing = faultyBanking(h.banking, {
      step: 'postHold',
      when: 'before',
      error: refusal(ErrorCode.ACCOUNT_NOT_ACTIVE, { status: 'FROZEN' }),
    });
    await recoverPayments(h.deps(refusing), 0);
    expect(refusing.calls).toEqual(['postHold']);
    // Applied on the bill, its hold still reserved: it may only go forward.
    await expectStopped(p, STOPS['after it is applied on the bill, before postHold']!);
    await h.recover();
    await expectPaidOnce(p, await onlyPaymentOf(p));
  });
});

describe('bill payment: two payments of one bill that each fit but together exceed what is owed', () => {
  test('the second one, applied after the first, is FAILED and its hold voided: no debit', async () => {
    const p = await payer('overlap');
    let first: PaidView | null = null;
    // The small one holds its money, then the big one runs to its end, then the small one is applied.
    const banking = faultyBanking(h.banking, {
      step: 'createHold',
      when: 'after',
      passThrough: true,
      run: async () => {
        first = paidOf(await payThroughRouter(url, p, '100.00', 'big'));
      },
    });
    const small = await payWith(banking, p, 5_000n, 'small');
    expect(small).toMatchObject({ status: 'FAILED', failureCode: 'BAD_USER_INPUT' });
    expect(first).toMatchObject({ status: 'COMPLETED' });
    expect(banking.calls).toEqual(['account', 'createHold', 'voidHold']);
    expect(await paymentState(h, p)).toEqual({
      payments: { PENDING: 0, COMPLETED: 1, FAILED: 1 },
      paid: 10_000n,
      billStatus: 'DUE',
      debits: { PENDING: 0, POSTED: 1, VOIDED: 1 },
      balance: FUNDS - 10_000n,
      held: 0n,
    });
    expect(await h.violations()).toEqual([]);
    // The small one's retry answers with its refusal; nothing moves.
    const retry = paidOf(await payThroughRouter(url, p, '50.00', 'small'));
    expect(retry).toMatchObject({ id: small.id, status: 'FAILED', failureCode: 'BAD_USER_INPUT' });
    await h.recover();
    expect((await paymentState(h, p)).debits).toEqual({ PENDING: 0, POSTED: 1, VOIDED: 1 });
    expect(await h.violations()).toEqual([]);
  });

  test('the compensation interrupted (a crash, then banking unreachable at voidHold): the restart voids the hold and FAILs it', async () => {
    for (const error of [crash, unreachable]) {
      const p = await payer('void-crash');
      const banking = faultyBanking(
        h.banking,
        {
          step: 'createHold',
          when: 'after',
          passThrough: true,
          run: async () => {
            expect(paidOf(await payThroughRouter(url, p, '100.00', 'big')).status).toBe('COMPLETED');
          },
        },
        { step: 'voidHold', when: 'before', error },
      );
      const outcome = await payWith(banking, p, 5_000n, 'small').then(
        (payment) => payment.status,
        (e: Error) => e.message,
      );
      expect(outcome).toBe(error === crash ? 'injected crash' : 'PENDING');
      expect(await paymentState(h, p)).toEqual({
        payments: { PENDING: 1, COMPLETED: 1, FAILED: 0 },
        paid: 10_000n,
        billStatus: 'DUE',
        debits: { PENDING: 1, POSTED: 1, VOIDED: 0 },
        balance: FUNDS - 10_000n,
        held: 5_000n,
      });
      expect(await h.violations(false)).toEqual([]);
      await h.recover();
      expect(await paymentState(h, p)).toEqual({
        payments: { PENDING: 0, COMPLETED: 1, FAILED: 1 },
        paid: 10_000n,
        billStatus: 'DUE',
        debits: { PENDING: 0, POSTED: 1, VOIDED: 1 },
        balance: FUNDS - 10_000n,
        held: 0n,
      });
      expect(await h.violations()).toEqual([]);
    }
  });

  test('sent at once through the router: one COMPLETED, the other refused, one debit', async () => {
    const payers = await Promise.all([1, 2, 3].map(() => payer('race')));
    await Promise.all(
      payers.map(async (p) => {
        const results = await Promise.all([
          payThroughRouter(url, p, '80.00', 'race-a'),
          payThroughRouter(url, p, '70.00', 'race-b'),
        ]);
        const completed = results.filter((r) => !r.errors?.length).map(paidOf);
        const done = completed.filter((r) => r.status === 'COMPLETED');
        expect(done).toHaveLength(1);
        for (const r of completed.filter((c) => c.status !== 'COMPLETED')) {
          // Refused by the saga: its hold voided.
          expect(r).toMatchObject({ status: 'FAILED', failureCode: 'BAD_USER_INPUT', transaction: null });
        }
        for (const refused of results.filter((r) => r.errors?.length)) {
          // Refused before anything was recorded.
          expect(problemOf(refused)).toEqual({ code: 'BAD_USER_INPUT', field: 'amount' });
        }
        const paid = (await paymentView(url, p, done[0]!.id)).amount.amount === '80.00' ? 8_000n : 7_000n;
        const state = await paymentState(h, p);
        expect(state).toEqual({
          payments: { PENDING: 0, COMPLETED: 1, FAILED: completed.length - 1 },
          paid,
          billStatus: 'DUE',
          debits: { PENDING: 0, POSTED: 1, VOIDED: completed.length - 1 },
          balance: FUNDS - paid,
          held: 0n,
        });
      }),
    );
    expect(await h.violations()).toEqual([]);
  });

  test('the same key sent at once (a client retrying at once): one payment, one debit', async () => {
    const p = await payer('same-key');
    const results = await Promise.all([1, 2, 3].map(() => payThroughRouter(url, p, money(BILL), 'same-key')));
    const answered = results.filter((r) => !r.errors?.length).map(paidOf);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    const id = await onlyPaymentOf(p);
    for (const r of answered) {
      expect(r.id).toBe(id);
      expect(['COMPLETED', 'PENDING']).toContain(r.status);
    }
    for (const r of results.filter((x) => x.errors?.length)) expect(problemOf(r).code).toBe('IDEMPOTENCY_IN_PROGRESS');
    await h.recover();
    await expectPaidOnce(p, id);
    expect(paidOf(await payThroughRouter(url, p, money(BILL), 'same-key'))).toMatchObject({ id, status: 'COMPLETED' });
  });
});

// Last on the main stack: while the bug stands its bill has two billing.bill.paid
// events, which the whole-database invariant of any later test would report again.
describe('bill payment: a bill paid by two payments', () => {
  test('two payments that together pay the bill, the first completing last: one billing.bill.paid event', async () => {
    const p = await payer('two-halves');
    let second: PaidView | null = null;
    // The first half is applied; before it is posted, the second half is paid to its end (the bill PAID).
    const banking = faultyBanking(h.banking, {
      step: 'postHold',
      when: 'before',
      passThrough: true,
      run: async () => {
        second = paidOf(await payThroughRouter(url, p, '60.00', 'half-2'));
      },
    });
    const first = await payWith(banking, p, 6_000n, 'half-1');
    expect([first.status, (second as PaidView | null)?.status]).toEqual(['COMPLETED', 'COMPLETED']);
    expect(await paymentState(h, p)).toEqual({
      payments: { PENDING: 0, COMPLETED: 2, FAILED: 0 },
      paid: BILL,
      billStatus: 'PAID',
      debits: { PENDING: 0, POSTED: 2, VOIDED: 0 },
      balance: FUNDS - BILL,
      held: 0n,
    });
    const events = await h.billingSql.execute<{ payment: string }[]>(
      `select payload->>'paymentId' as payment from outbox_events where type = 'billing.bill.paid' and payload->>'billId' = ?`,
      [p.billId],
    );
    // Fixed bug (subgraphs/billing/src/services/payments.ts, completePayment, line 180:
    // `if (bill.status === 'PAID') recordEvent(em, 'billing.bill.paid', ...)`):
    // every payment that completes while its bill is PAID records
    // `billing.bill.paid`, not only the one whose apply made the bill PAID. Here
    // the second half made it PAID and completed first (one event), then the
    // first half completed and found it PAID (a second event): the owner gets
    // two "Bill paid" notifications for one bill. The same happens whenever
    // partial payments that together pay a bill complete out of order (a
    // restart finishing an earlier one, two payments at once). The event
    // should be recorded once: by the payment whose apply takes the bill to
    // PAID (for example remembered on the payment at apply and read at
    // completion), not by whichever completes while the bill is PAID.
    expect(events).toHaveLength(1);
    expect(await h.violations()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Banking down for real: its own stack, whose banking subgraph is stopped and
// started again on the same port.
// ---------------------------------------------------------------------------

describe('on a stack of their own', () => {
  let own: TestStack;
  let bankingNow: RunningSubgraph;
  let restarted: RunningSubgraph | null = null;
  let saved: [string, string, Harness];

  beforeAll(async () => {
    saved = [url, billerId, h];
    own = await startTestStack();
    bankingNow = own.stack.subgraphs.banking!;
    url = own.routerUrl;
    const someone = await signUp(url, 'bill-own-someone', 'CUSTOMER');
    billerId = (await billerOf(url, someone, 'UTILITIES')).id;
    h = harness(own, () => bankingNow, createLogger(own.config, 'billing-saga-test'));
  }, 60_000);
  afterAll(async () => {
    [url, billerId, h] = saved;
    await restarted?.close();
    await own?.close();
  });

  test('payments stay PENDING with a clear status while banking is down; when it returns, the recovery job completes one and fails the other', async () => {
    const rich = await payer('down-rich');
    const poor = await payer('down-poor', 5_000n);
    const late = await payer('down-late');
    const pay = (p: Payer, banking: BankingClient, amount: string, idempotencyKey: string) =>
      h.payments(p.user, banking).pay({ billId: p.billId, fromAccountId: p.account, amount, idempotencyKey });

    // Both payments pass their account check; then banking stops, before either reserves anything.
    let poorPending: { id: string; status: string } | null = null;
    const poorBanking = faultyBanking(h.banking, {
      step: 'account',
      when: 'after',
      passThrough: true,
      run: () => bankingNow.close(),
    });
    const richBanking = faultyBanking(h.banking, {
      step: 'account',
      when: 'after',
      passThrough: true,
      run: async () => {
        poorPending = await pay(poor, poorBanking, '100.00', 'down-poor');
      },
    });
    const richPending = await pay(rich, richBanking, '120.00', 'down-rich');
    expect(richPending.status).toBe('PENDING');
    expect(poorPending).toMatchObject({ status: 'PENDING' });
    expect([richBanking.calls, poorBanking.calls]).toEqual([
      ['account', 'createHold'],
      ['account', 'createHold'],
    ]);
    const pendingIds = { rich: richPending.id, poor: poorPending!.id };

    // The owners see them PENDING: not failed, no transaction, the bills still owed in full.
    const view = async (p: Payer, id: string): Promise<PaymentView> =>
      (await must<{ billPayment: PaymentView }>(url, PAYMENT, { id }, p.user.token)).billPayment;
    for (const [p, id] of [
      [rich, pendingIds.rich],
      [poor, pendingIds.poor],
    ] as const) {
      expect(await view(p, id)).toMatchObject({
        status: 'PENDING',
        failureCode: null,
        failureReason: null,
        settledAt: null,
        transaction: null,
        bill: { status: 'DUE', remaining: { amount: '120.00' } },
      });
    }

    // Through the router, a new payment cannot even check its account: refused, nothing recorded.
    const refused = await payThroughRouter(url, late, '120.00', 'down-late');
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect(refused.data?.payBill ?? null).toBeNull();
    expect(
      await h.billingSql.execute<{ id: string }[]>('select id from bill_payments where bill_id = ?', [late.billId]),
    ).toEqual([]);

    // A restart while banking is still down changes nothing.
    await h.recover();
    expect(
      await h.billingSql.execute<{ status: string; hold_id: string | null; applied: boolean }[]>(
        'select status, hold_id, applied_at is not null as applied from bill_payments where id in (?, ?)',
        [pendingIds.rich, pendingIds.poor],
      ),
    ).toEqual([
      { status: 'PENDING', hold_id: null, applied: false },
      { status: 'PENDING', hold_id: null, applied: false },
    ]);

    // Banking returns on the same port; the stack's own recovery job (every 5 s) settles both.
    restarted = await startSubgraph(await loadSubgraph('banking'), {
      config: own.config,
      logger: createLogger(own.config, 'banking-restarted'),
      bus: own.stack.bus,
      port: bankingNow.port,
    });
    bankingNow = restarted;
    const deadline = Date.now() + 20_000;
    let statuses = ['PENDING', 'PENDING'];
    while (statuses.includes('PENDING') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      statuses = [(await view(rich, pendingIds.rich)).status, (await view(poor, pendingIds.poor)).status];
    }
    expect(statuses).toEqual(['COMPLETED', 'FAILED']);
    expect(await view(rich, pendingIds.rich)).toMatchObject({
      status: 'COMPLETED',
      transaction: { kind: 'BILL_PAYMENT', status: 'POSTED' },
      bill: { status: 'PAID', remaining: { amount: '0.00' } },
    });
    expect(await view(poor, pendingIds.poor)).toMatchObject({
      status: 'FAILED',
      failureCode: 'INSUFFICIENT_FUNDS',
      transaction: null,
      bill: { status: 'DUE', remaining: { amount: '120.00' } },
    });
    expect(await paymentState(h, rich)).toEqual({
      payments: { PENDING: 0, COMPLETED: 1, FAILED: 0 },
      paid: BILL,
      billStatus: 'PAID',
      debits: { PENDING: 0, POSTED: 1, VOIDED: 0 },
      balance: FUNDS - BILL,
      held: 0n,
    });
    expect(await paymentState(h, poor)).toEqual({
      payments: { PENDING: 0, COMPLETED: 0, FAILED: 1 },
      paid: 0n,
      billStatus: 'DUE',
      debits: { PENDING: 0, POSTED: 0, VOIDED: 0 },
      balance: 5_000n,
      held: 0n,
    });
    expect(await h.violations()).toEqual([]);

    // The late payment's retry goes through now.
    expect(paidOf(await payThroughRouter(url, late, '120.00', 'down-late')).status).toBe('COMPLETED');
    expect(await h.violations()).toEqual([]);
  });

  // On this stack, after the test above: while the bug stands these leave a
  // payment PENDING for ever, which the whole-database invariant of any later
  // test would report again.
  describe('bill payment: a hold voided behind the saga', () => {
    // Fixed bug (platform/hold-saga.ts, runHoldPayment's catch, lines 110-114): when
    // banking refuses to post the hold of an applied payment because the hold
    // was voided (INVALID_STATE_TRANSITION, status VOIDED), the saga logs
    // "applied but banking refused to post its hold" and returns PENDING. Every
    // restart does the same (the payment is applied, so it goes straight to
    // postHold), so the payment stays PENDING for ever while the bill counts
    // it as paid (here PAID) and no money ever left the account. The hold can
    // never be posted, so the saga should undo the apply (bill.paid -= amount,
    // under the bill lock) and make the payment FAILED, as lending's payout does
    // for the same refusal. Lending's repayments share this code path.
    test.each([
      ['before postHold (after it is applied)', 'postHold' as const, 'before' as const],
      ['after createHold (before it is applied)', 'createHold' as const, 'after' as const],
    ])('voided %s: FAILED, no debit, the bill not counting it', async (_, step, when) => {
      const p = await payer('voided');
      const banking = faultyBanking(h.banking, {
        step,
        when,
        passThrough: true,
        run: async (holdId) => {
          await h.banking.voidHold(holdId);
        },
      });
      await payWith(banking, p, BILL, 'voided-1').catch(() => null);
      await h.recover();
      await expectFailed(p, await onlyPaymentOf(p), expect.any(String), 1);
    });
  });
});
