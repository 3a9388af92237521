/**
 * The loan repayment saga (subgraphs/lending/src/services/sagas.ts): how a
 * repayment is applied (interest first, then principal, installment by
 * installment), its refusals and idempotency through the router, and the
 * saga under injected failures (test/support/lending.ts `faultyBanking`)
 * with a restart (`recoverSagas(deps, 0)`). After every case the invariant is
 * checked in both databases (sagaInvariantViolations): each COMPLETED
 * repayment has exactly one posted LOAN_REPAYMENT transfer, a FAILED one
 * none, no hold is left pending, the installments add up to the applied
 * repayments, and the ledger balances.
 *
 * Every loan is 50,000.00 at 7.5 % over 24 months (annuity), paid into the
 * owner's BUSINESS account, which is where repayments come from unless a
 * test says otherwise.
 */
import { LockMode } from '@mikro-orm/core';
import type { BankingClient } from '../platform/banking-client.ts';
import { Loan } from '../subgraphs/lending/src/entities/index.ts';
import { recoverSagas, runRepayment } from '../subgraphs/lending/src/services/sagas.ts';
import {
  ACCEPT,
  approvedApplication,
  balanceOf,
  bankerWithProfile,
  businessOwner,
  crash,
  deposit,
  faultyBanking,
  openAccount,
  problemOf,
  REPAY,
  repaymentState,
  sagaHarness,
  sagaInvariantViolations,
  twoRunsQueuedOnLock,
  unreachable,
  type ApprovedApplication,
  type Injection,
  type RepaymentState,
  type SagaHarness,
} from './support/lending.ts';
import { createStaff, must, signInAdmin, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

const PRINCIPAL = 5_000_000n;

let bank: TestStack;
let url: string;
let banker: SignedUp;
let officer: SignedUp;
let saga: SagaHarness;
let people = 0;

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  banker = await bankerWithProfile(url, 'repay-banker');
  officer = await createStaff(url, 'repay-officer', 'RISK_OFFICER');
  saga = sagaHarness(bank);
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

/** "1234.50" → 123450n. */
const cents = (amount: string): bigint => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
};
/** 123450n → "1234.50". */
const money = (minor: bigint): string => `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`;

interface ActiveLoan extends ApprovedApplication {
  loanId: string;
}

/** A business owner with a loan paid out into their BUSINESS account. */
async function activeLoan(prefix: string): Promise<ActiveLoan> {
  const app = await approvedApplication(url, `${prefix}-${++people}`, banker, officer);
  const result = await postGraphQL(
    url,
    ACCEPT,
    { input: { applicationId: app.applicationId, disbursementAccountId: app.account, idempotencyKey: 'accept' } },
    app.owner.token,
  );
  const loan = result.data?.acceptLoanOffer as { id: string; status: string } | undefined;
  expect(loan?.status).toBe('ACTIVE');
  return { ...app, loanId: loan!.id };
}

const LOAN = `query($id: ID!) {
  loan(id: $id) {
    status
    installments { number payment { amount } interest { amount } principal { amount } paid { amount } isPaid }
    outstandingPrincipal { amount }
    paidInstallments
    nextInstallment { number }
    repayments { id status amount { amount } interest { amount } principal { amount } failureReason transaction { id kind status } }
  }
}`;

interface LoanView {
  status: string;
  installments: {
    number: number;
    payment: { amount: string };
    interest: { amount: string };
    principal: { amount: string };
    paid: { amount: string };
    isPaid: boolean;
  }[];
  outstandingPrincipal: { amount: string };
  paidInstallments: number;
  nextInstallment: { number: number } | null;
  repayments: {
    id: string;
    status: string;
    amount: { amount: string };
    interest: { amount: string };
    principal: { amount: string };
    failureReason: string | null;
    transaction: { id: string; kind: string; status: string } | null;
  }[];
}

const loanView = async (loan: ActiveLoan): Promise<LoanView> =>
  (await must<{ loan: LoanView }>(url, LOAN, { id: loan.loanId }, loan.owner.token)).loan;

/** Everything still owed on a loan, minor units. */
const owedOn = (view: LoanView): bigint =>
  view.installments.reduce((sum, i) => sum + cents(i.payment.amount) - cents(i.paid.amount), 0n);

interface RepaymentView {
  id: string;
  status: string;
  amount: { amount: string };
  interest: { amount: string };
  principal: { amount: string };
  failureReason: string | null;
}

const repayThroughRouter = (
  who: SignedUp,
  loanId: string,
  fromAccountId: string,
  amount: string,
  idempotencyKey: string,
): Promise<JsonResponse> =>
  postGraphQL(url, REPAY, { input: { loanId, fromAccountId, amount, idempotencyKey } }, who.token);

const repaymentOf = (result: JsonResponse): RepaymentView => {
  if (result.errors?.length || !result.data) throw new Error(`repayLoan failed: ${JSON.stringify(result.errors)}`);
  return result.data.repayLoan as RepaymentView;
};

/** Repays with lending's own service over `banking` (which fails where the test says). */
const repayWith = (banking: BankingClient, loan: ActiveLoan, amount: string, idempotencyKey: string) =>
  saga.loans(loan.owner, banking).repay({ loanId: loan.loanId, fromAccountId: loan.account, amount, idempotencyKey });

const state = (loan: ActiveLoan, accountId = loan.account): Promise<RepaymentState> =>
  repaymentState(bank, loan.loanId, accountId);

/** Nothing was repaid: the loan as paid out, the account untouched. */
const UNTOUCHED = {
  loanStatus: 'ACTIVE',
  paid: 0n,
  debits: { PENDING: 0, POSTED: 0, VOIDED: 0 },
  balance: PRINCIPAL,
  held: 0n,
};

describe('repayLoan: how a repayment is applied', () => {
  test('interest first, then principal; a partial repayment, then one across two installments', async () => {
    const loan = await activeLoan('split');
    const fresh = await loanView(loan);
    const [first, second] = fresh.installments;
    // 50,000 at 7.5 % over 24 months: 2,249.98 a month, 312.50 interest the first month.
    expect(first).toMatchObject({
      number: 1,
      payment: { amount: '2249.98' },
      interest: { amount: '312.50' },
      principal: { amount: '1937.48' },
    });

    // 1. The first month's interest and 10.00 of its principal.
    const a1 = cents(first!.interest.amount) + 1000n;
    const r1 = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(a1), 'split-1'));
    expect(r1).toMatchObject({
      status: 'COMPLETED',
      amount: { amount: money(a1) },
      interest: { amount: first!.interest.amount },
      principal: { amount: '10.00' },
      failureReason: null,
    });
    let view = await loanView(loan);
    expect(
      view.installments.slice(0, 2).map((i) => ({ number: i.number, paid: i.paid.amount, isPaid: i.isPaid })),
    ).toEqual([
      { number: 1, paid: money(a1), isPaid: false },
      { number: 2, paid: '0.00', isPaid: false },
    ]);
    expect(view).toMatchObject({
      outstandingPrincipal: { amount: money(PRINCIPAL - 1000n) },
      paidInstallments: 0,
      nextInstallment: { number: 1 },
    });

    // 2. The rest of the first installment, the second's interest and 5.00 of its principal.
    const rest = cents(first!.payment.amount) - a1;
    const a2 = rest + cents(second!.interest.amount) + 500n;
    const r2 = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(a2), 'split-2'));
    expect(r2).toMatchObject({
      status: 'COMPLETED',
      interest: { amount: second!.interest.amount },
      principal: { amount: money(rest + 500n) },
    });
    view = await loanView(loan);
    expect(
      view.installments.slice(0, 3).map((i) => ({ number: i.number, paid: i.paid.amount, isPaid: i.isPaid })),
    ).toEqual([
      { number: 1, paid: first!.payment.amount, isPaid: true },
      { number: 2, paid: money(cents(second!.interest.amount) + 500n), isPaid: false },
      { number: 3, paid: '0.00', isPaid: false },
    ]);
    expect(view).toMatchObject({
      status: 'ACTIVE',
      outstandingPrincipal: { amount: money(PRINCIPAL - cents(first!.principal.amount) - 500n) },
      paidInstallments: 1,
      nextInstallment: { number: 2 },
    });
    // Each repayment names its one posted transfer.
    expect(view.repayments.map((r) => [r.id, r.status, r.transaction?.kind, r.transaction?.status])).toEqual([
      [r1.id, 'COMPLETED', 'LOAN_REPAYMENT', 'POSTED'],
      [r2.id, 'COMPLETED', 'LOAN_REPAYMENT', 'POSTED'],
    ]);

    expect(await state(loan)).toEqual({
      loanStatus: 'ACTIVE',
      repayments: { PENDING: 0, COMPLETED: 2, FAILED: 0 },
      paid: a1 + a2,
      debits: { PENDING: 0, POSTED: 2, VOIDED: 0 },
      balance: PRINCIPAL - a1 - a2,
      held: 0n,
    });
    expect(await balanceOf(url, loan.owner, loan.account)).toBe(money(PRINCIPAL - a1 - a2));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('paying everything owed pays the loan off; a further repayment is INVALID_STATE_TRANSITION', async () => {
    const loan = await activeLoan('payoff');
    await deposit(url, loan.owner, loan.account, '10000.00');
    const owed = owedOn(await loanView(loan));
    expect(owed).toBeGreaterThan(PRINCIPAL);
    const repayment = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(owed), 'all'));
    expect(repayment).toMatchObject({ status: 'COMPLETED', principal: { amount: money(PRINCIPAL) } });
    expect(cents(repayment.interest.amount)).toBe(owed - PRINCIPAL);

    const view = await loanView(loan);
    expect(view).toMatchObject({
      status: 'PAID_OFF',
      outstandingPrincipal: { amount: '0.00' },
      paidInstallments: 24,
      nextInstallment: null,
    });
    expect(view.installments.every((i) => i.isPaid && i.paid.amount === i.payment.amount)).toBe(true);

    const more = await repayThroughRouter(loan.owner, loan.loanId, loan.account, '1.00', 'more');
    expect(problemOf(more).code).toBe('INVALID_STATE_TRANSITION');
    expect(await state(loan)).toEqual({
      loanStatus: 'PAID_OFF',
      repayments: { PENDING: 0, COMPLETED: 1, FAILED: 0 },
      paid: owed,
      debits: { PENDING: 0, POSTED: 1, VOIDED: 0 },
      balance: PRINCIPAL + 1_000_000n - owed,
      held: 0n,
    });
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});

describe('repayLoan: refusals and idempotency', () => {
  test('more than what is owed in total: BAD_USER_INPUT on amount, nothing moved', async () => {
    const loan = await activeLoan('over');
    await deposit(url, loan.owner, loan.account, '10000.00');
    const owed = owedOn(await loanView(loan));
    const result = await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(owed + 1n), 'over');
    expect(problemOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'amount' });
    expect(await state(loan)).toEqual({
      ...UNTOUCHED,
      repayments: { PENDING: 0, COMPLETED: 0, FAILED: 0 },
      balance: PRINCIPAL + 1_000_000n,
    });
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('insufficient funds: INSUFFICIENT_FUNDS, the repayment FAILED, no debit, the loan unchanged; a retry answers the same', async () => {
    const loan = await activeLoan('poor');
    const checking = await openAccount(url, loan.owner, 'CHECKING');
    await deposit(url, loan.owner, checking, '10.00');
    const result = await repayThroughRouter(loan.owner, loan.loanId, checking, '100.00', 'poor-1');
    expect(problemOf(result).code).toBe('INSUFFICIENT_FUNDS');

    const view = await loanView(loan);
    expect(view.repayments).toEqual([
      expect.objectContaining({ status: 'FAILED', amount: { amount: '100.00' }, transaction: null }),
    ]);
    expect(view.repayments[0]?.failureReason).toBeTruthy();
    expect(view).toMatchObject({ paidInstallments: 0, outstandingPrincipal: { amount: '50000.00' } });
    const expected = {
      loanStatus: 'ACTIVE',
      repayments: { PENDING: 0, COMPLETED: 0, FAILED: 1 },
      paid: 0n,
      debits: { PENDING: 0, POSTED: 0, VOIDED: 0 },
      balance: 1000n,
      held: 0n,
    };
    expect(await state(loan, checking)).toEqual(expected);

    // The retry is answered with the first result: the same refusal, no second repayment.
    const retry = await repayThroughRouter(loan.owner, loan.loanId, checking, '100.00', 'poor-1');
    expect(problemOf(retry).code).toBe('INSUFFICIENT_FUNDS');
    expect(await state(loan, checking)).toEqual(expected);
    expect(await balanceOf(url, loan.owner, checking)).toBe('10.00');
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('a retry with the same key returns the same repayment (one debit); another amount with it is IDEMPOTENCY_KEY_REUSED', async () => {
    const loan = await activeLoan('idem');
    const first = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, '500.00', 'idem-1'));
    expect(first.status).toBe('COMPLETED');
    const again = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, '500.00', 'idem-1'));
    expect(again).toEqual(first);
    // The same amount written differently is the same request.
    expect(repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, '500', 'idem-1')).id).toBe(
      first.id,
    );
    const reused = await repayThroughRouter(loan.owner, loan.loanId, loan.account, '600.00', 'idem-1');
    expect(problemOf(reused)).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });

    expect(await state(loan)).toEqual({
      loanStatus: 'ACTIVE',
      repayments: { PENDING: 0, COMPLETED: 1, FAILED: 0 },
      paid: 50_000n,
      debits: { PENDING: 0, POSTED: 1, VOIDED: 0 },
      balance: PRINCIPAL - 50_000n,
      held: 0n,
    });
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test("someone else's loan: NOT_FOUND for another owner, FORBIDDEN for the banker; someone else's account: NOT_FOUND", async () => {
    const loan = await activeLoan('others');
    const stranger = await businessOwner(url, `stranger-${++people}`);
    const strangersAccount = await openAccount(url, stranger);
    await deposit(url, stranger, strangersAccount, '1000.00');

    const byStranger = await repayThroughRouter(stranger, loan.loanId, strangersAccount, '100.00', 'x-1');
    expect(problemOf(byStranger)).toEqual({ code: 'NOT_FOUND', field: 'loanId' });
    // The banker of the application may see the loan, but only the borrower repays it.
    const { loan: seen } = await must<{ loan: { status: string } | null }>(
      url,
      `query($id: ID!) { loan(id: $id) { status } }`,
      { id: loan.loanId },
      banker.token,
    );
    expect(seen).toEqual({ status: 'ACTIVE' });
    const byBanker = await repayThroughRouter(banker, loan.loanId, loan.account, '100.00', 'x-2');
    expect(problemOf(byBanker).code).toBe('FORBIDDEN');
    const fromStrangersAccount = await repayThroughRouter(loan.owner, loan.loanId, strangersAccount, '100.00', 'x-3');
    expect(problemOf(fromStrangersAccount)).toEqual({ code: 'NOT_FOUND', field: 'fromAccountId' });

    expect(await state(loan)).toEqual({ ...UNTOUCHED, repayments: { PENDING: 0, COMPLETED: 0, FAILED: 0 } });
    expect((await state(loan, strangersAccount)).debits).toEqual({ PENDING: 0, POSTED: 0, VOIDED: 0 });
    expect(await balanceOf(url, stranger, strangersAccount)).toBe('1000.00');
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});

/** Where a repayment's saga stops, and what banking and the loan hold then. */
interface StopPoint {
  step: Injection['step'];
  when: Injection['when'];
  /** The transfer when the saga stops. */
  debit: 'none' | 'PENDING' | 'POSTED';
  /** Whether the repayment was applied to the installments by then. */
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
  'after it is applied, before postHold': { step: 'postHold', when: 'before', debit: 'PENDING', applied: true },
  'after postHold (money moved, still PENDING)': { step: 'postHold', when: 'after', debit: 'POSTED', applied: true },
};

const AMOUNT = 100_000n; // 1,000.00

/** Checks the state between a stop and the restart: PENDING, at most one transfer, where the stop says. */
async function expectStopped(loan: ActiveLoan, stop: StopPoint): Promise<void> {
  expect(await state(loan)).toEqual({
    loanStatus: 'ACTIVE',
    repayments: { PENDING: 1, COMPLETED: 0, FAILED: 0 },
    paid: stop.applied ? AMOUNT : 0n,
    debits: { PENDING: stop.debit === 'PENDING' ? 1 : 0, POSTED: stop.debit === 'POSTED' ? 1 : 0, VOIDED: 0 },
    balance: stop.debit === 'POSTED' ? PRINCIPAL - AMOUNT : PRINCIPAL,
    held: stop.debit === 'PENDING' ? AMOUNT : 0n,
  });
  expect(await sagaInvariantViolations(bank, false)).toEqual([]);
}

/** Repaid once: one COMPLETED repayment, one posted debit, applied once. */
async function expectRepaidOnce(loan: ActiveLoan, repaymentId: string): Promise<void> {
  expect(await state(loan)).toEqual({
    loanStatus: 'ACTIVE',
    repayments: { PENDING: 0, COMPLETED: 1, FAILED: 0 },
    paid: AMOUNT,
    debits: { PENDING: 0, POSTED: 1, VOIDED: 0 },
    balance: PRINCIPAL - AMOUNT,
    held: 0n,
  });
  const view = await loanView(loan);
  expect(view.repayments).toEqual([
    expect.objectContaining({
      id: repaymentId,
      status: 'COMPLETED',
      amount: { amount: money(AMOUNT) },
      transaction: expect.objectContaining({ kind: 'LOAN_REPAYMENT', status: 'POSTED' }),
    }),
  ]);
  expect(await sagaInvariantViolations(bank)).toEqual([]);
}

describe('repayment: a crash at any step, then a restart', () => {
  test.each(Object.entries(STOPS))('crash %s: the restart completes it with exactly one debit', async (_, stop) => {
    const loan = await activeLoan('crash');
    const banking = faultyBanking(saga.banking, { step: stop.step, when: stop.when, error: crash });
    await expect(repayWith(banking, loan, money(AMOUNT), 'crash-1')).rejects.toThrow('injected crash');
    expect(banking.fired).toHaveLength(1);
    await expectStopped(loan, stop);

    expect(await saga.recover()).toBeGreaterThanOrEqual(1);
    const [repayment] = (await loanView(loan)).repayments;
    await expectRepaidOnce(loan, repayment!.id);

    // The client's retry answers with the completed repayment; nothing moves again.
    const retry = repaymentOf(
      await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(AMOUNT), 'crash-1'),
    );
    expect(retry).toMatchObject({ id: repayment!.id, status: 'COMPLETED' });
    await expectRepaidOnce(loan, repayment!.id);
  });

  test('crash after it is applied, restarted by the client retrying through the router', async () => {
    const loan = await activeLoan('client-retry');
    const banking = faultyBanking(saga.banking, { step: 'postHold', when: 'before', error: crash });
    await expect(repayWith(banking, loan, money(AMOUNT), 'retry-1')).rejects.toThrow('injected crash');
    await expectStopped(loan, STOPS['after it is applied, before postHold']!);
    const retry = repaymentOf(
      await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(AMOUNT), 'retry-1'),
    );
    expect(retry.status).toBe('COMPLETED');
    await expectRepaidOnce(loan, retry.id);
  });

  test('the restart finds the account frozen: the repayment FAILED, nothing moved, the loan unchanged', async () => {
    const loan = await activeLoan('frozen');
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'before', error: crash });
    await expect(repayWith(banking, loan, money(AMOUNT), 'frozen-1')).rejects.toThrow('injected crash');
    await expectStopped(loan, STOPS['before createHold']!);

    const admin = await signInAdmin(url);
    await must(url, `mutation($id: ID!) { freezeAccount(id: $id) { status } }`, { id: loan.account }, admin.token);
    await saga.recover();
    expect(await state(loan)).toEqual({ ...UNTOUCHED, repayments: { PENDING: 0, COMPLETED: 0, FAILED: 1 } });
    const retry = await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(AMOUNT), 'frozen-1');
    expect(problemOf(retry).code).toBe('ACCOUNT_NOT_ACTIVE');
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});

describe('repayment: banking unreachable at any step', () => {
  test.each(Object.entries(STOPS))(
    'no answer %s: repayLoan returns it PENDING; recovery completes it with exactly one debit',
    async (_, stop) => {
      const loan = await activeLoan('transient');
      const banking = faultyBanking(saga.banking, { step: stop.step, when: stop.when, error: unreachable });
      const pending = await repayWith(banking, loan, money(AMOUNT), 'transient-1');
      expect(pending?.status).toBe('PENDING');
      await expectStopped(loan, stop);

      await saga.recover();
      await expectRepaidOnce(loan, pending.id);
    },
  );
});

describe('repayment: two repayments that each fit but together exceed what is owed', () => {
  test('the second one, applied after the first, is refused and its hold voided: no debit', async () => {
    const loan = await activeLoan('overlap');
    await deposit(url, loan.owner, loan.account, '10000.00');
    const owed = owedOn(await loanView(loan));
    const big = owed - 5_000n; // all but 50.00
    let first: RepaymentView | null = null;
    // The small one holds its money, then the big one runs to its end, then the small one is applied.
    const banking = faultyBanking(saga.banking, {
      step: 'createHold',
      when: 'after',
      passThrough: true,
      run: async () => {
        first = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, money(big), 'big'));
      },
    });
    await expect(repayWith(banking, loan, '100.00', 'small')).rejects.toMatchObject({
      name: 'PaymentRefused',
      code: 'BAD_USER_INPUT',
      extensions: { field: 'amount' },
    });
    expect(first).toMatchObject({ status: 'COMPLETED' });
    expect(banking.calls).toEqual(['account', 'createHold', 'voidHold']);

    expect(await state(loan)).toEqual({
      loanStatus: 'ACTIVE',
      repayments: { PENDING: 0, COMPLETED: 1, FAILED: 1 },
      paid: big,
      debits: { PENDING: 0, POSTED: 1, VOIDED: 1 },
      balance: PRINCIPAL + 1_000_000n - big,
      held: 0n,
    });
    const view = await loanView(loan);
    // Oldest first: the small one was made first.
    expect(view.repayments.map((r) => [r.amount.amount, r.status])).toEqual([
      ['100.00', 'FAILED'],
      [money(big), 'COMPLETED'],
    ]);
    expect(await sagaInvariantViolations(bank)).toEqual([]);
    // The small one's retry is answered with its refusal.
    const retry = await repayThroughRouter(loan.owner, loan.loanId, loan.account, '100.00', 'small');
    expect(problemOf(retry).code).toBe('BAD_USER_INPUT');
  });

  test('sent at once through the router: one COMPLETED, the other refused, one debit', async () => {
    const loan = await activeLoan('race');
    await deposit(url, loan.owner, loan.account, '10000.00');
    const owed = owedOn(await loanView(loan));
    const amounts = [money(owed - 5_000n), '100.00'];
    const results = await Promise.all(
      amounts.map((amount, i) => repayThroughRouter(loan.owner, loan.loanId, loan.account, amount, `race-${i}`)),
    );
    const completed = results.filter((r) => !r.errors?.length).map(repaymentOf);
    expect(completed).toHaveLength(1);
    expect(completed[0]?.status).toBe('COMPLETED');
    for (const refused of results.filter((r) => r.errors?.length)) {
      // Refused before anything was held, or by the saga (its hold voided).
      expect(problemOf(refused)).toEqual({ code: 'BAD_USER_INPUT', field: 'amount' });
    }
    const after = await state(loan);
    expect(after).toMatchObject({
      loanStatus: 'ACTIVE',
      repayments: { PENDING: 0, COMPLETED: 1 },
      paid: cents(completed[0]!.amount.amount),
      debits: { PENDING: 0, POSTED: 1 },
      balance: PRINCIPAL + 1_000_000n - cents(completed[0]!.amount.amount),
      held: 0n,
    });
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});

describe('repayment: the restart runs on several instances at once', () => {
  test('two recoveries and a client retry after a crash: one debit', async () => {
    const loan = await activeLoan('restarts');
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'after', error: crash });
    await expect(repayWith(banking, loan, money(AMOUNT), 'many-1')).rejects.toThrow('injected crash');
    await Promise.all([
      saga.recover(),
      recoverSagas(saga.deps(), 0),
      repayThroughRouter(loan.owner, loan.loanId, loan.account, money(AMOUNT), 'many-1'),
    ]);
    await saga.recover();
    const [repayment] = (await loanView(loan)).repayments;
    await expectRepaidOnce(loan, repayment!.id);
  });

  // Regression: applyToLoan once read the repayment before taking the loan's
  // row lock and trusted its `appliedAt`, so two runs of the same PENDING
  // repayment queued on that lock both applied it (one debit, paid twice on the
  // loan). A repayment that goes entirely to principal, as here, is not caught
  // by the loan_repayments_split CHECK, so only the saga's lock order prevents it.
  test('two runs resuming the same repayment, queued on the loan lock, apply it once', async () => {
    const loan = await activeLoan('double');
    // The first month's interest is paid: the next repayment goes to principal only.
    const interest = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, '312.50', 'interest'));
    expect(interest).toMatchObject({
      status: 'COMPLETED',
      interest: { amount: '312.50' },
      principal: { amount: '0.00' },
    });
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'before', error: crash });
    await expect(repayWith(banking, loan, money(AMOUNT), 'double-1')).rejects.toThrow('injected crash');
    const lending = bank.stack.subgraphs.lending!.orm;
    const db = lending.em.getConnection();
    const [row] = await db.execute<{ id: string }[]>(
      'select id from loan_repayments where loan_id = ? and status = ?',
      [loan.loanId, 'PENDING'],
    );
    // The loan's lock is held (as by another repayment being applied) while two runs resume this one.
    const results = await twoRunsQueuedOnLock(
      lending,
      (em) => em.findOneOrFail(Loan, { id: loan.loanId }, { lockMode: LockMode.PESSIMISTIC_WRITE }),
      () => runRepayment(saga.deps(), row!.id),
    );
    await saga.recover();

    expect(await state(loan)).toEqual({
      loanStatus: 'ACTIVE',
      repayments: { PENDING: 0, COMPLETED: 2, FAILED: 0 },
      paid: 31_250n + AMOUNT,
      debits: { PENDING: 0, POSTED: 2, VOIDED: 0 },
      balance: PRINCIPAL - 31_250n - AMOUNT,
      held: 0n,
    });
    expect(await sagaInvariantViolations(bank)).toEqual([]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value?.status))).toEqual([
      'COMPLETED',
      'COMPLETED',
    ]);
  });
});

/** An operator in banking voids the hold of the loan's repayment sent with `idempotencyKey`; then the recovery job runs. */
async function voidBehindTheSaga(loan: ActiveLoan, idempotencyKey: string): Promise<void> {
  const [row] = await bank.stack.subgraphs
    .lending!.orm.em.getConnection()
    .execute<{ hold_id: string }[]>('select hold_id from loan_repayments where loan_id = ? and idempotency_key = ?', [
      loan.loanId,
      idempotencyKey,
    ]);
  await saga.banking.voidHold(row!.hold_id);
  await saga.recover();
}

describe('repayment: its hold voided behind the saga (an operator in banking)', () => {
  // The hold can never be posted: the repayment is undone (the loan owes it
  // again) and FAILED; no money moved.
  test.each([
    ['after it is applied, before postHold', 'postHold' as const, 'before' as const],
    ['after createHold, before it is applied', 'createHold' as const, 'after' as const],
  ])('voided %s: FAILED, no debit, the loan not counting it', async (_, step, when) => {
    const loan = await activeLoan('voided');
    const banking = faultyBanking(saga.banking, {
      step,
      when,
      passThrough: true,
      run: async (holdId) => {
        await saga.banking.voidHold(holdId);
      },
    });
    const repayment = await repayWith(banking, loan, money(AMOUNT), 'voided-1');
    expect(repayment?.status).toBe('FAILED');
    await saga.recover();
    expect(await state(loan)).toEqual({
      ...UNTOUCHED,
      repayments: { PENDING: 0, COMPLETED: 0, FAILED: 1 },
      debits: { PENDING: 0, POSTED: 0, VOIDED: 1 },
    });
    const [failed] = (await loanView(loan)).repayments;
    expect(failed).toMatchObject({
      status: 'FAILED',
      interest: { amount: '0.00' },
      principal: { amount: '0.00' },
      failureReason: expect.stringContaining('cancelled by the bank'),
      transaction: null,
    });
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('a later repayment applied on top of it takes its place: the split as if it had never been made', async () => {
    const loan = await activeLoan('voided-under');
    const before = await loanView(loan);
    // The first repayment is applied, then stops before its hold is posted.
    const stopped = faultyBanking(saga.banking, { step: 'postHold', when: 'before', error: crash });
    await expect(repayWith(stopped, loan, money(AMOUNT), 'under-1')).rejects.toThrow('injected crash');
    // A second one is applied after it (principal of installment 1, then installment 2).
    const second = repaymentOf(await repayThroughRouter(loan.owner, loan.loanId, loan.account, '500.00', 'under-2'));
    expect(second.status).toBe('COMPLETED');
    const firstInterest = before.installments[0]!.interest.amount;
    expect(second.interest.amount).not.toBe(firstInterest);

    await voidBehindTheSaga(loan, 'under-1');

    const view = await loanView(loan);
    const byStatus = Object.fromEntries(view.repayments.map((r) => [r.status, r]));
    expect(byStatus.FAILED).toMatchObject({ amount: { amount: money(AMOUNT) }, principal: { amount: '0.00' } });
    // The 500.00 now pays the first installment's interest first, as a first repayment would.
    expect(byStatus.COMPLETED).toMatchObject({
      id: second.id,
      interest: { amount: firstInterest },
      principal: { amount: money(50_000n - cents(firstInterest)) },
    });
    expect(view.installments[0]!.paid.amount).toBe('500.00');
    expect(view.installments.slice(1).every((i) => i.paid.amount === '0.00')).toBe(true);
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('a loan paid off by it is ACTIVE again and owes everything', async () => {
    const loan = await activeLoan('voided-payoff');
    await deposit(url, loan.owner, loan.account, '10000.00');
    const owed = owedOn(await loanView(loan));
    const stopped = faultyBanking(saga.banking, { step: 'postHold', when: 'before', error: crash });
    await expect(repayWith(stopped, loan, money(owed), 'payoff-1')).rejects.toThrow('injected crash');
    expect((await loanView(loan)).status).toBe('PAID_OFF');

    await voidBehindTheSaga(loan, 'payoff-1');

    const view = await loanView(loan);
    expect(view).toMatchObject({ status: 'ACTIVE', paidInstallments: 0, nextInstallment: { number: 1 } });
    expect(owedOn(view)).toBe(owed);
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});
