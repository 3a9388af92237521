/**
 * The loan payout saga (subgraphs/lending/src/services/sagas.ts) under
 * injected failures, and acceptLoanOffer's idempotency and refusals.
 *
 * A failure is injected by running lending's own `Loans` service (as the
 * subgraph builds it for a request) over a banking client that crashes, or
 * answers like an unreachable or refusing banking, before or after one of
 * its calls (test/support/lending.ts `faultyBanking`). A "restart" is the
 * recovery job run at once (`recoverSagas(deps, 0)`), or the client
 * retrying through the router. After every case the invariant is checked in
 * both databases: for each application, banking holds no posted
 * disbursement or exactly one, exactly one iff the loan is ACTIVE (and it is
 * the loan's), no hold is left pending, the account holds the principal iff
 * it was paid out, and the ledger balances (sagaInvariantViolations).
 *
 * The stack's own recovery job also runs every 5 s over sagas older than
 * 5 s; every step is idempotent, so it may only finish earlier what the
 * test's restart finishes. Assertions about the state between a failure and
 * its restart are made at once, well within those 5 s.
 */
import type { BankingClient } from '../platform/banking-client.ts';
import { ErrorCode } from '../platform/errors.ts';
import { ServiceCallError } from '../platform/service-client.ts';
import { recoverSagas } from '../subgraphs/lending/src/services/sagas.ts';
import {
  ACCEPT,
  approvedApplication,
  balanceOf,
  bankerWithProfile,
  businessOwner,
  crash,
  faultyBanking,
  openAccount,
  payoutState,
  problemOf,
  sagaHarness,
  sagaInvariantViolations,
  unreachable,
  type ApprovedApplication,
  type Injection,
  type PayoutState,
  type SagaHarness,
} from './support/lending.ts';
import { createStaff, must, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

/** 50,000.00 USD, the amount `submitApplication` applies for. */
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
  banker = await bankerWithProfile(url, 'saga-banker');
  officer = await createStaff(url, 'saga-officer', 'RISK_OFFICER');
  saga = sagaHarness(bank);
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

/** A new business owner with a USD BUSINESS account and an APPROVED application for 50,000.00. */
const approved = (prefix: string): Promise<ApprovedApplication> =>
  approvedApplication(url, `${prefix}-${++people}`, banker, officer);

interface LoanView {
  id: string;
  status: string;
  principal: { amount: string };
}

/** acceptLoanOffer through the router. */
const acceptThroughRouter = (
  who: SignedUp,
  applicationId: string,
  disbursementAccountId: string,
  idempotencyKey: string,
): Promise<JsonResponse> =>
  postGraphQL(url, ACCEPT, { input: { applicationId, disbursementAccountId, idempotencyKey } }, who.token);

const loanOf = (result: JsonResponse): LoanView => {
  if (result.errors?.length || !result.data)
    throw new Error(`acceptLoanOffer failed: ${JSON.stringify(result.errors)}`);
  return result.data.acceptLoanOffer as LoanView;
};

/** Accepts with lending's own service over `banking` (which fails where the test says). */
const acceptWith = (banking: BankingClient, app: ApprovedApplication, idempotencyKey: string) =>
  saga.loans(app.owner, banking).accept({
    applicationId: app.applicationId,
    disbursementAccountId: app.account,
    idempotencyKey,
  });

/** The application and its payout, paid out once. */
function paidOut(state: PayoutState): void {
  expect(state).toMatchObject({
    loans: 1,
    loan: { status: 'ACTIVE' },
    application: 'DISBURSED',
    disbursements: { PENDING: 0, POSTED: 1, VOIDED: expect.any(Number) },
    balance: PRINCIPAL,
    held: 0n,
  });
  // The loan names the one posted transfer, which is its own hold.
  expect(state.loan?.transactionId).toBe(state.postedId);
  expect(state.loan?.holdId).toBe(state.postedId);
}

/** Nothing happened, or everything was undone: no loan, the offer open again, no money moved. */
function notPaidOut(state: PayoutState, voided = 0): void {
  expect(state).toMatchObject({
    loans: 0,
    loan: null,
    application: 'APPROVED',
    disbursements: { PENDING: 0, POSTED: 0, VOIDED: voided },
    postedId: null,
    balance: 0n,
    held: 0n,
  });
}

const APPLICATION = `query($id: ID!) {
  loanApplication(id: $id) { status history { from to note actor { id } } loan { id status } }
}`;

interface ApplicationView {
  status: string;
  history: { from: string | null; to: string; note: string | null; actor: { id: string } | null }[];
  loan: { id: string; status: string } | null;
}

const applicationOf = async (app: ApprovedApplication): Promise<ApplicationView> =>
  (await must<{ loanApplication: ApplicationView }>(url, APPLICATION, { id: app.applicationId }, app.owner.token))
    .loanApplication;

describe('acceptLoanOffer: idempotency', () => {
  test('paid out once; the same key returns the same loan; another key or another account is refused', async () => {
    const app = await approved('idem');
    const first = loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'accept-1'));
    expect(first).toMatchObject({ status: 'ACTIVE', principal: { amount: '50000.00' } });
    paidOut(await payoutState(bank, app.applicationId, app.account));

    // The retry returns the first result, without a second payout.
    const again = loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'accept-1'));
    expect(again).toEqual(first);

    // Another key: the offer was already accepted.
    const otherKey = await acceptThroughRouter(app.owner, app.applicationId, app.account, 'accept-2');
    expect(problemOf(otherKey)).toEqual({ code: 'INVALID_STATE_TRANSITION', field: undefined });

    // The same key for a different request (another account of the owner).
    const second = await openAccount(url, app.owner, 'CHECKING');
    const reused = await acceptThroughRouter(app.owner, app.applicationId, second, 'accept-1');
    expect(problemOf(reused)).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });

    const state = await payoutState(bank, app.applicationId, app.account);
    paidOut(state);
    expect(state.loan?.id).toBe(first.id);
    expect((await payoutState(bank, app.applicationId, second)).disbursements).toEqual({
      PENDING: 0,
      POSTED: 0,
      VOIDED: 0,
    });
    expect(await balanceOf(url, app.owner, app.account)).toBe('50000.00');
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('two concurrent accepts with different keys: one loan, one payout', async () => {
    const app = await approved('race');
    const results = await Promise.all(
      ['race-a', 'race-b', 'race-c'].map((key) => acceptThroughRouter(app.owner, app.applicationId, app.account, key)),
    );
    const accepted = results.filter((r) => !r.errors?.length);
    expect(accepted).toHaveLength(1);
    expect(loanOf(accepted[0]!).status).toBe('ACTIVE');
    for (const refused of results.filter((r) => r.errors?.length)) {
      expect(problemOf(refused).code).toBe('INVALID_STATE_TRANSITION');
    }
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('two concurrent accepts with the same key (a client retrying at once): one loan, one payout', async () => {
    const app = await approved('same-key');
    const results = await Promise.all(
      [1, 2].map(() => acceptThroughRouter(app.owner, app.applicationId, app.account, 'same-key')),
    );
    expect(results.filter((r) => !r.errors?.length).length).toBeGreaterThanOrEqual(1);
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  // Regression: Loans.accept (subgraphs/lending/src/services/loans.ts) once
  // looked for the key's loan only before taking the application's row lock,
  // so a retry that passed that check while the first request created the
  // loan failed on the locked row with INVALID_STATE_TRANSITION ("The
  // application is DISBURSED; it cannot become ACCEPTED") instead of answering
  // with the first result (docs/architecture.md, "Money and the ledger"). It now looks again under the lock.
  test('a same-key retry overlapping the first accept gets the first loan (or IDEMPOTENCY_IN_PROGRESS), not INVALID_STATE_TRANSITION', async () => {
    const app = await approved('overlap');
    let first: LoanView | null = null;
    // The retry has found no loan yet and checks the account when the first request runs to its end.
    const banking = faultyBanking(saga.banking, {
      step: 'account',
      when: 'before',
      passThrough: true,
      run: async () => {
        first = loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'overlap-1'));
      },
    });
    const retry = await acceptWith(banking, app, 'overlap-1').then(
      (loan) => ({ loan: { id: loan.id, status: loan.status }, code: null }),
      (error: { code?: string }) => ({ loan: null, code: error.code ?? String(error) }),
    );
    expect(first).toMatchObject({ status: 'ACTIVE' });
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
    const firstLoan = first as LoanView | null;
    expect([
      { loan: { id: firstLoan?.id, status: 'ACTIVE' }, code: null },
      { loan: null, code: 'IDEMPOTENCY_IN_PROGRESS' },
    ]).toContainEqual(retry);
  });
});

describe('acceptLoanOffer: refusals change nothing', () => {
  test('wrong account or wrong person: NOT_FOUND, BAD_USER_INPUT, CURRENCY_MISMATCH, FORBIDDEN; then it can be accepted', async () => {
    const app = await approved('refusals');
    const stranger = await businessOwner(url, `stranger-${++people}`);
    const strangersAccount = await openAccount(url, stranger);
    const savings = await openAccount(url, app.owner, 'SAVINGS');
    const euros = await openAccount(url, app.owner, 'BUSINESS', 'EUR');

    const cases: [string, SignedUp, string, { code: string; field?: string }][] = [
      ["someone else's account", app.owner, strangersAccount, { code: 'NOT_FOUND', field: 'disbursementAccountId' }],
      ['a SAVINGS account', app.owner, savings, { code: 'BAD_USER_INPUT', field: 'disbursementAccountId' }],
      ['a EUR account', app.owner, euros, { code: 'CURRENCY_MISMATCH', field: 'disbursementAccountId' }],
      // Another owner cannot see the application at all; the banker can, but is not the applicant.
      ['another owner accepting', stranger, strangersAccount, { code: 'NOT_FOUND', field: 'applicationId' }],
      ['the banker accepting', banker, app.account, { code: 'FORBIDDEN' }],
    ];
    for (const [what, who, account, expected] of cases) {
      const result = await acceptThroughRouter(who, app.applicationId, account, `refused-${what.replace(/\W+/g, '-')}`);
      expect({ what, ...problemOf(result) }).toEqual({ what, field: undefined, ...expected });
    }

    const before = await applicationOf(app);
    expect(before).toMatchObject({ status: 'APPROVED', loan: null });
    expect(before.history.map((h) => h.to)).toEqual(['SUBMITTED', 'COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED']);
    for (const account of [app.account, strangersAccount, savings, euros]) {
      const state = await payoutState(bank, app.applicationId, account);
      expect(state.disbursements).toEqual({ PENDING: 0, POSTED: 0, VOIDED: 0 });
      expect(state.balance).toBe(0n);
    }
    notPaidOut(await payoutState(bank, app.applicationId, app.account));

    loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'finally'));
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});

/** A failure point, what banking holds for the loan's account when the saga stops there, and whether the hold id is recorded. */
interface FailurePoint {
  injection: Injection;
  /** Disbursements into the account when the saga stops. */
  stoppedWith: { PENDING: number; POSTED: number };
  holdRecorded: boolean;
}

const POINTS: Record<string, Omit<FailurePoint, 'injection'> & { step: Injection['step']; when: Injection['when'] }> = {
  'before createHold': {
    step: 'createHold',
    when: 'before',
    stoppedWith: { PENDING: 0, POSTED: 0 },
    holdRecorded: false,
  },
  'after createHold (the hold exists, its id not recorded)': {
    step: 'createHold',
    when: 'after',
    stoppedWith: { PENDING: 1, POSTED: 0 },
    holdRecorded: false,
  },
  'before postHold (the hold recorded)': {
    step: 'postHold',
    when: 'before',
    stoppedWith: { PENDING: 1, POSTED: 0 },
    holdRecorded: true,
  },
  'after postHold (money moved, the loan still DISBURSING)': {
    step: 'postHold',
    when: 'after',
    stoppedWith: { PENDING: 0, POSTED: 1 },
    holdRecorded: true,
  },
};

/** Checks the state between a stop at `point` and the restart: the loan DISBURSING, the money where the point says. */
async function expectStoppedAt(app: ApprovedApplication, point: Omit<FailurePoint, 'injection'>): Promise<PayoutState> {
  const state = await payoutState(bank, app.applicationId, app.account);
  expect(state).toMatchObject({
    loans: 1,
    loan: { status: 'DISBURSING', transactionId: null },
    application: 'ACCEPTED',
    disbursements: { ...point.stoppedWith, VOIDED: 0 },
    balance: point.stoppedWith.POSTED === 1 ? PRINCIPAL : 0n,
    held: 0n,
  });
  expect(state.loan?.holdId !== null).toBe(point.holdRecorded);
  // At most one disbursement even half-way; the ledger balances.
  expect(await sagaInvariantViolations(bank, false)).toEqual([]);
  return state;
}

describe('disbursement: a crash at any step, then a restart', () => {
  test.each(Object.entries(POINTS))('crash %s: the restart pays out exactly once', async (_, point) => {
    const app = await approved('crash');
    const banking = faultyBanking(saga.banking, { step: point.step, when: point.when, error: crash });
    await expect(acceptWith(banking, app, 'crash-1')).rejects.toThrow('injected crash');
    expect(banking.fired).toHaveLength(1);
    const stopped = await expectStoppedAt(app, point);

    expect(await saga.recover()).toBeGreaterThanOrEqual(1);
    const state = await payoutState(bank, app.applicationId, app.account);
    paidOut(state);
    expect(state.loan?.id).toBe(stopped.loan?.id);
    expect(state.disbursements.VOIDED).toBe(0);
    expect((await applicationOf(app)).history.map((h) => h.to).slice(-2)).toEqual(['ACCEPTED', 'DISBURSED']);
    expect(await sagaInvariantViolations(bank)).toEqual([]);

    // The client's retry now answers with the paid-out loan; nothing moves again.
    const retried = loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'crash-1'));
    expect(retried).toMatchObject({ id: stopped.loan?.id, status: 'ACTIVE' });
    paidOut(await payoutState(bank, app.applicationId, app.account));
  });

  test('crash after createHold, restarted by the client retrying through the router', async () => {
    const app = await approved('client-retry');
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'after', error: crash });
    await expect(acceptWith(banking, app, 'retry-1')).rejects.toThrow('injected crash');
    const stopped = await expectStoppedAt(app, POINTS['after createHold (the hold exists, its id not recorded)']!);

    const retried = loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'retry-1'));
    expect(retried).toMatchObject({ id: stopped.loan?.id, status: 'ACTIVE' });
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('several restarts at once (recovery on two instances and a client retry) pay out once', async () => {
    const app = await approved('restarts');
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'after', error: crash });
    await expect(acceptWith(banking, app, 'many-1')).rejects.toThrow('injected crash');
    await expectStoppedAt(app, POINTS['after createHold (the hold exists, its id not recorded)']!);

    const [, , retry] = await Promise.all([
      saga.recover(),
      saga.recover(),
      acceptThroughRouter(app.owner, app.applicationId, app.account, 'many-1'),
    ]);
    // The retry may meet the payout in progress (banking answers IDEMPOTENCY_IN_PROGRESS, transient): then DISBURSING.
    expect(['ACTIVE', 'DISBURSING']).toContain(loanOf(retry).status);
    await saga.recover();
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});

describe('disbursement: banking unreachable at any step', () => {
  test.each(Object.entries(POINTS))(
    'no answer %s: acceptLoanOffer returns the loan DISBURSING; recovery pays it out once',
    async (_, point) => {
      const app = await approved('transient');
      const banking = faultyBanking(saga.banking, { step: point.step, when: point.when, error: unreachable });
      const loan = await acceptWith(banking, app, 'transient-1');
      expect(loan.status).toBe('DISBURSING');
      expect(banking.fired).toHaveLength(1);
      await expectStoppedAt(app, point);

      // Through the router the client sees it DISBURSING too (until the payout resumes).
      const { loan: seen } = await must<{ loan: { status: string } }>(
        url,
        `query($id: ID!) { loan(id: $id) { status } }`,
        { id: loan.id },
        app.owner.token,
      );
      expect(seen.status).toBe('DISBURSING');

      await saga.recover();
      const state = await payoutState(bank, app.applicationId, app.account);
      paidOut(state);
      expect(state.loan?.id).toBe(loan.id);
      expect(await sagaInvariantViolations(bank)).toEqual([]);
    },
  );
});

describe('disbursement: a definite refusal is compensated', () => {
  const refusal =
    (code: ErrorCode, extensions: Record<string, unknown> = {}) =>
    () =>
      new ServiceCallError(`injected refusal: ${code}`, code, false, extensions);

  test('banking refuses the hold (ACCOUNT_NOT_ACTIVE): the loan is removed, the offer open again; a new accept succeeds', async () => {
    const app = await approved('refused-hold');
    const banking = faultyBanking(saga.banking, {
      step: 'createHold',
      when: 'before',
      error: refusal(ErrorCode.ACCOUNT_NOT_ACTIVE, { field: 'toAccountId', status: 'FROZEN' }),
    });
    await expect(acceptWith(banking, app, 'refused-1')).rejects.toMatchObject({
      name: 'PaymentRefused',
      code: 'ACCOUNT_NOT_ACTIVE',
      extensions: { field: 'disbursementAccountId' },
    });
    notPaidOut(await payoutState(bank, app.applicationId, app.account));
    const application = await applicationOf(app);
    expect(application).toMatchObject({ status: 'APPROVED', loan: null });
    expect(application.history.slice(-2)).toEqual([
      expect.objectContaining({ from: 'APPROVED', to: 'ACCEPTED', actor: { id: app.owner.id } }),
      expect.objectContaining({ from: 'ACCEPTED', to: 'APPROVED', actor: null }),
    ]);
    expect(application.history.at(-1)?.note).toMatch(/^The payout failed and was undone: .*ACCOUNT_NOT_ACTIVE/);
    await saga.recover();
    notPaidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);

    loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'refused-2'));
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('the hold is voided before it is posted (post refused, INVALID_STATE_TRANSITION): compensated; a new accept succeeds', async () => {
    const app = await approved('voided');
    const banking = faultyBanking(saga.banking, {
      step: 'postHold',
      when: 'before',
      passThrough: true,
      run: async (holdId) => {
        await saga.banking.voidHold(holdId);
      },
    });
    await expect(acceptWith(banking, app, 'voided-1')).rejects.toMatchObject({
      name: 'PaymentRefused',
      code: 'INVALID_STATE_TRANSITION',
    });
    notPaidOut(await payoutState(bank, app.applicationId, app.account), 1);
    const application = await applicationOf(app);
    expect(application).toMatchObject({ status: 'APPROVED', loan: null });
    expect(application.history.at(-1)).toMatchObject({ from: 'ACCEPTED', to: 'APPROVED', actor: null });
    expect(application.history.at(-1)?.note).toMatch(/^The payout failed and was undone/);
    expect(await sagaInvariantViolations(bank)).toEqual([]);

    loanOf(await acceptThroughRouter(app.owner, app.applicationId, app.account, 'voided-2'));
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('a refusal met by the restart is compensated by the restart (the hold voided)', async () => {
    const app = await approved('refused-later');
    const banking = faultyBanking(saga.banking, { step: 'postHold', when: 'before', error: crash });
    await expect(acceptWith(banking, app, 'later-1')).rejects.toThrow('injected crash');
    await expectStoppedAt(app, POINTS['before postHold (the hold recorded)']!);

    // The restart finds banking refusing the post.
    const refusing = faultyBanking(saga.banking, {
      step: 'postHold',
      when: 'before',
      error: refusal(ErrorCode.ACCOUNT_NOT_ACTIVE, { status: 'FROZEN' }),
    });
    await recoverSagas(saga.deps(refusing), 0);
    expect(refusing.calls).toEqual(['createHold', 'postHold', 'voidHold']);
    notPaidOut(await payoutState(bank, app.applicationId, app.account), 1);
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });

  test('a refusal after the money moved is not compensated: the restart finishes the payout', async () => {
    const app = await approved('refused-posted');
    const banking = faultyBanking(saga.banking, { step: 'postHold', when: 'after', error: crash });
    await expect(acceptWith(banking, app, 'posted-1')).rejects.toThrow('injected crash');
    await expectStoppedAt(app, POINTS['after postHold (money moved, the loan still DISBURSING)']!);

    // The restart is refused at the hold, but the hold it recorded was posted: it must finish, not undo.
    const refusing = faultyBanking(saga.banking, {
      step: 'createHold',
      when: 'before',
      error: refusal(ErrorCode.ACCOUNT_NOT_ACTIVE, { status: 'FROZEN' }),
    });
    await recoverSagas(saga.deps(refusing), 0);
    expect(refusing.calls).toEqual(['createHold', 'voidHold']);
    paidOut(await payoutState(bank, app.applicationId, app.account));
    expect(await sagaInvariantViolations(bank)).toEqual([]);
  });
});
