/**
 * The two sagas that move money through banking's holds, as internal
 * service calls: paying a loan out and taking a repayment in. Each step is
 * idempotent, so a saga interrupted anywhere (a crash, banking unreachable)
 * is finished or compensated by running it again: the request does it at
 * once, the recovery job ({@link recoverSagas}) later.
 *
 * Disbursement (loan DISBURSING):
 *   1. hold LOANS → the owner's account, keyed `loan-disbursement:<loanId>`
 *      (a repeat returns the same hold), naming as its viewers the
 *      application's banker and risk officers (banking shows them where the
 *      loan went, not the owner's money), and remember its id;
 *   2. post it (posting twice returns the same transaction);
 *   3. loan ACTIVE, application DISBURSED, event — one local transaction.
 *   A definite refusal by banking voids the hold if there is one, deletes the
 *   loan and returns the application to APPROVED with the reason in its
 *   history: no money moved. A transient failure leaves the loan DISBURSING.
 *
 * Repayment (PENDING):
 *   1. hold the owner's account → LOANS, keyed `loan-repayment:<id>`;
 *   2. under the loan's lock, check it still fits what is owed and apply it
 *      (interest first), or void the hold and fail;
 *   3. post the hold; 4. COMPLETED, event.
 *   A definite refusal at step 1 (insufficient funds...) makes it FAILED:
 *   nothing moved, the loan unchanged.
 *
 * Invariant: for each loan, banking has at most one posted disbursement, and
 * exactly one once the loan is ACTIVE; each COMPLETED repayment has exactly
 * one posted transfer, a FAILED one none.
 */
import { LockMode } from '@mikro-orm/core';
import {
  voidUnlessPosted,
  type BankingClient,
  type CreateHoldRequest,
  type HoldView,
} from '../../../../platform/banking-client.ts';
import { ErrorCode, type ErrorDetails } from '../../../../platform/errors.ts';
import type { EventBus } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import {
  PaymentRefused as SagaRefused,
  paymentState,
  RECONCILE_WINDOW_MS,
  reconcileSettled,
  runHoldPayment,
  type Reconciliation,
  type SettledPayment,
} from '../../../../platform/hold-saga.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { countRecovery } from '../../../../platform/subgraph-metrics.ts';
import { isDefiniteRefusal, ServiceCallError } from '../../../../platform/service-client.ts';
import { Loan, LoanApplication, LoanInstallment, LoanRepayment } from '../entities/index.ts';
import { publishApplicationUpdated } from './live.ts';
import { applyRepayment, isPaid, totalOwed } from './schedule.ts';
import { transition } from './state-machine.ts';

export interface SagaDeps {
  /** Any EntityManager of the lending database: each step works on its own fork. */
  em: EntityManager;
  banking: BankingClient;
  bus: EventBus;
  logger: Logger;
}

/** A definite refusal by banking, answered to the client after the saga compensated. */
export { SagaRefused };

export const disbursementKey = (loanId: string): string => `loan-disbursement:${loanId}`;
export const repaymentKey = (repaymentId: string): string => `loan-repayment:${repaymentId}`;

/**
 * Runs (or resumes) the payout of a DISBURSING loan. Returns the loan as it
 * ends: ACTIVE, or still DISBURSING after a transient failure. Throws
 * {@link SagaRefused} (with banking's code) after compensating a refusal;
 * anything else (a crash) propagates with the loan left DISBURSING.
 */
export async function runDisbursement(deps: SagaDeps, loanId: string): Promise<Loan | null> {
  const em = deps.em.fork();
  const loan = await em.findOne(Loan, { id: loanId }, { refresh: true });
  if (!loan || loan.status !== 'DISBURSING') return loan;
  const { bankerId } = await em.findOneOrFail(LoanApplication, { id: loan.applicationId });
  let hold: HoldView | null = null;
  try {
    hold = await deps.banking.createHold(disbursementHold(loan, bankerId));
    // Another id than the one recorded: banking was restored from before the hold and made it again.
    if ((loan.disbursementHoldId ?? null) !== hold.id) {
      loan.disbursementHoldId = hold.id;
      loan.updatedAt = new Date();
      await em.flush();
    }
    const posted = hold.status === 'POSTED' ? hold : await deps.banking.postHold(hold.id);
    return await finishDisbursement(deps, loan.id, posted.id);
  } catch (error) {
    if (!isDefiniteRefusal(error)) {
      if (error instanceof ServiceCallError) {
        deps.logger.warn({ loanId, code: error.code }, 'disbursement: banking unavailable, will resume');
        loan.updatedAt = new Date();
        await em.flush();
        return loan;
      }
      throw error;
    }
    const holdId = hold?.id ?? loan.disbursementHoldId ?? null;
    if (holdId !== null && (await voidUnlessPosted(deps.banking, holdId)) === 'POSTED') {
      // The money did move (posted by an earlier run): finish instead of compensating.
      return finishDisbursement(deps, loan.id, holdId);
    }
    await cancelDisbursement(deps, loan.id, error.message);
    throw new SagaRefused(error.code, `The loan could not be paid out: ${error.message}`, fieldOf(error));
  }
}

/** A payout's hold (step 1): the same request every time, so banking answers with the same hold. */
function disbursementHold(loan: Loan, bankerId: string): CreateHoldRequest {
  return {
    from: { system: 'LOANS' },
    to: { accountId: loan.disbursementAccountId },
    customerId: loan.borrowerId,
    amount: fromMinorUnits(loan.principal, loan.currency as Currency),
    kind: 'LOAN_DISBURSEMENT',
    idempotencyKey: disbursementKey(loan.id),
    description: 'Loan disbursement',
    // Those who may see the application (applications.ts `canSee`) besides the borrower and ADMINs.
    viewers: { userIds: [bankerId], roles: ['RISK_OFFICER'], reference: loan.applicationId },
  };
}

/** A repayment's hold (step 1). */
function repaymentHold(repayment: LoanRepayment): CreateHoldRequest {
  return {
    from: { accountId: repayment.fromAccountId },
    to: { system: 'LOANS' },
    customerId: repayment.payerId,
    amount: fromMinorUnits(repayment.amount, repayment.currency as Currency),
    kind: 'LOAN_REPAYMENT',
    idempotencyKey: repaymentKey(repayment.id),
    description: 'Loan repayment',
  };
}

function fieldOf(error: ServiceCallError): ErrorDetails {
  const field = error.extensions.field;
  if (field === 'toAccountId') return { field: 'disbursementAccountId' };
  if (field === 'fromAccountId') return { field: 'fromAccountId' };
  return {};
}

async function finishDisbursement(deps: SagaDeps, loanId: string, transactionId: string): Promise<Loan> {
  const { loan, application } = await deps.em.fork().transactional(async (em) => {
    const loan = await em.findOneOrFail(Loan, { id: loanId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const application = await em.findOneOrFail(
      LoanApplication,
      { id: loan.applicationId },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (loan.status !== 'DISBURSING') return { loan, application: null };
    const now = new Date();
    loan.status = 'ACTIVE';
    loan.disbursementTransactionId = transactionId;
    loan.disbursedAt = now;
    loan.updatedAt = now;
    transition(em, application, 'DISBURSED', null, 'The loan was paid into the chosen account.', now);
    recordEvent(em, 'lending.loan.disbursed', {
      loanId: loan.id,
      applicationId: application.id,
      borrowerId: loan.borrowerId,
      accountId: loan.disbursementAccountId,
      amount: fromMinorUnits(loan.principal, loan.currency as Currency),
      currency: loan.currency,
      transactionId,
    });
    return { loan, application };
  });
  if (application) await publishApplicationUpdated(deps.bus, deps.logger, application);
  return loan;
}

/** Compensation: the loan is removed and its application offered again (APPROVED), with the reason. */
async function cancelDisbursement(deps: SagaDeps, loanId: string, reason: string): Promise<void> {
  const application = await deps.em.fork().transactional(async (em) => {
    const loan = await em.findOne(Loan, { id: loanId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!loan || loan.status !== 'DISBURSING') return null;
    const application = await em.findOneOrFail(
      LoanApplication,
      { id: loan.applicationId },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    transition(em, application, 'APPROVED', null, `The payout failed and was undone: ${reason}`);
    await em.nativeDelete(LoanInstallment, { loanId });
    em.remove(loan);
    return application;
  });
  if (application) await publishApplicationUpdated(deps.bus, deps.logger, application);
}

/**
 * Runs (or resumes) a PENDING repayment (platform/hold-saga.ts: hold on the
 * borrower's account → applied to the loan under its lock → posted).
 * Returns it as it ends: COMPLETED, or PENDING after a transient failure.
 * Throws {@link SagaRefused} after marking it FAILED on a definite refusal.
 */
export async function runRepayment(deps: SagaDeps, repaymentId: string): Promise<LoanRepayment | null> {
  const em = deps.em.fork();
  const repayment = await em.findOne(LoanRepayment, { id: repaymentId }, { refresh: true });
  if (!repayment) return null;
  await runHoldPayment(deps.banking, deps.logger, {
    what: 'repayment',
    id: repayment.id,
    load: async () => paymentState(await deps.em.fork().findOne(LoanRepayment, { id: repaymentId }, { refresh: true })),
    hold: repaymentHold(repayment),
    apply: async (holdId) =>
      (await applyToLoan(deps, repayment.id, holdId))
        ? true
        : new SagaRefused(ErrorCode.BAD_USER_INPUT, 'The amount is more than what is owed on the loan.', {
            field: 'amount',
          }),
    fail: (code, reason) => failRepayment(deps, repayment.id, code, reason),
    revert: (code, reason) => revertRepayment(deps, repayment.id, code, reason),
    complete: async (holdId) => {
      await completeRepayment(deps, repayment.id, holdId);
    },
    fieldOf: (field) => (field === 'fromAccountId' ? 'fromAccountId' : undefined),
  });
  return em.findOne(LoanRepayment, { id: repaymentId }, { refresh: true });
}

/**
 * In `em`'s transaction: a repayment and its loan, locked loan first (the
 * order of every step that changes what is paid on a loan), read fresh.
 */
async function lockRepayment(
  em: EntityManager,
  repaymentId: string,
): Promise<{ loan: Loan; repayment: LoanRepayment }> {
  const { loanId } = await em.findOneOrFail(LoanRepayment, { id: repaymentId }, { fields: ['loanId'] });
  const loan = await em.findOneOrFail(Loan, { id: loanId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const repayment = await em.findOneOrFail(
    LoanRepayment,
    { id: repaymentId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  return { loan, repayment };
}

/** Step 2: applies the repayment to the loan under its lock; false when it no longer fits what is owed. */
async function applyToLoan(deps: SagaDeps, repaymentId: string, holdId: string): Promise<boolean> {
  return deps.em.fork().transactional(async (em) => {
    // Read under the loan's lock: another run of this saga may have applied it while this one waited.
    const { loan, repayment } = await lockRepayment(em, repaymentId);
    repayment.holdId = holdId;
    if ((repayment.appliedAt ?? null) !== null) return true;
    const installments = await em.find(
      LoanInstallment,
      { loanId: loan.id },
      { orderBy: { number: 'asc' }, refresh: true },
    );
    if (loan.status !== 'ACTIVE' || repayment.amount > totalOwed(installments)) return false;
    const split = applyRepayment(installments, repayment.amount);
    const now = new Date();
    repayment.interest = split.interest;
    repayment.principal = split.principal;
    repayment.appliedAt = now;
    repayment.updatedAt = now;
    if (installments.every(isPaid)) loan.status = 'PAID_OFF';
    loan.updatedAt = now;
    return true;
  });
}

async function completeRepayment(deps: SagaDeps, repaymentId: string, holdId: string): Promise<LoanRepayment> {
  return deps.em.fork().transactional(async (em) => {
    const repayment = await em.findOneOrFail(
      LoanRepayment,
      { id: repaymentId },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (repayment.status !== 'PENDING') return repayment;
    repayment.status = 'COMPLETED';
    repayment.holdId = holdId;
    repayment.updatedAt = new Date();
    const loan = await em.findOneOrFail(Loan, { id: repayment.loanId });
    recordEvent(em, 'lending.loan.repaid', {
      loanId: loan.id,
      repaymentId: repayment.id,
      borrowerId: loan.borrowerId,
      amount: fromMinorUnits(repayment.amount, repayment.currency as Currency),
      currency: repayment.currency,
      status: loan.status,
    });
    return repayment;
  });
}

/**
 * Undoes an applied repayment whose hold banking voided (the money never
 * moved) and makes it FAILED. Under the loan's lock, the installments are
 * worked out again from the repayments still applied, in the order they were
 * applied: the same split as if this one had never been made. A loan paid off
 * by it is ACTIVE again.
 */
async function revertRepayment(
  deps: SagaDeps,
  repaymentId: string,
  code: string,
  reason: string,
  from: 'PENDING' | 'COMPLETED' = 'PENDING',
): Promise<void> {
  await deps.em.fork().transactional(async (em) => {
    const { loan, repayment } = await lockRepayment(em, repaymentId);
    if (repayment.status !== from || (repayment.appliedAt ?? null) === null) return;
    if (from === 'COMPLETED') repayment.holdId = null;
    const now = new Date();
    repayment.status = 'FAILED';
    repayment.failureCode = code;
    repayment.failureReason = reason;
    repayment.appliedAt = null;
    repayment.interest = 0n;
    repayment.principal = 0n;
    repayment.updatedAt = now;

    const installments = await em.find(
      LoanInstallment,
      { loanId: loan.id },
      { orderBy: { number: 'asc' }, refresh: true },
    );
    for (const installment of installments) {
      installment.paidInterest = 0n;
      installment.paidPrincipal = 0n;
    }
    const stillApplied = await em.find(
      LoanRepayment,
      { loanId: loan.id, appliedAt: { $ne: null }, id: { $ne: repaymentId } },
      { orderBy: { appliedAt: 'asc', id: 'asc' }, refresh: true },
    );
    for (const other of stillApplied) {
      const split = applyRepayment(installments, other.amount);
      other.interest = split.interest;
      other.principal = split.principal;
    }
    loan.status = installments.every(isPaid) ? 'PAID_OFF' : 'ACTIVE';
    loan.updatedAt = now;
  });
}

async function failRepayment(deps: SagaDeps, repaymentId: string, code: string, reason: string): Promise<void> {
  await deps.em.fork().transactional(async (em) => {
    const repayment = await em.findOneOrFail(
      LoanRepayment,
      { id: repaymentId },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (repayment.status !== 'PENDING' || (repayment.appliedAt ?? null) !== null) return;
    repayment.status = 'FAILED';
    repayment.failureCode = code;
    repayment.failureReason = reason;
    repayment.updatedAt = new Date();
  });
}

/**
 * The recovery job: resumes every saga left unfinished for longer than
 * `olderThanMs` (a crash, banking down). Safe to run on several instances at
 * once: every step is idempotent and each saga's end is decided under a row
 * lock. Returns how many it looked at.
 */
export async function recoverSagas(deps: SagaDeps, olderThanMs = 5_000): Promise<number> {
  const em = deps.em.fork();
  const before = new Date(Date.now() - olderThanMs);
  const loans = await em.find(Loan, { status: 'DISBURSING', updatedAt: { $lte: before } }, { limit: 100 });
  const repayments = await em.find(LoanRepayment, { status: 'PENDING', updatedAt: { $lte: before } }, { limit: 100 });
  const metrics = metricsOf('lending');
  for (const loan of loans) {
    const after = await runDisbursement(deps, loan.id).catch((error: unknown) => {
      if (!(error instanceof SagaRefused))
        deps.logger.error({ err: error, loanId: loan.id }, 'disbursement recovery failed');
      return null;
    });
    countRecovery(metrics, 'loan_payout', after?.status);
  }
  for (const repayment of repayments) {
    const after = await runRepayment(deps, repayment.id).catch((error: unknown) => {
      if (error instanceof SagaRefused) return { status: 'FAILED' as const };
      deps.logger.error({ err: error, repaymentId: repayment.id }, 'repayment recovery failed');
      return null;
    });
    countRecovery(metrics, 'loan_repayment', after?.status);
  }
  return loans.length + repayments.length;
}

/**
 * After a restore (README, "Disaster recovery"): checks every payout and
 * repayment settled in the last {@link RECONCILE_WINDOW_MS} of lending's own
 * history against banking, which may lag it (platform/hold-saga.ts
 * `reconcileSettled`). A COMPLETED repayment banking refuses to take again is
 * undone (reverted, FAILED); a payout it refuses is left to an operator
 * (logged): the loan exists and the money is owed to the borrower. Returns
 * what it found, by outcome.
 */
export async function reconcileSagas(
  deps: SagaDeps,
  windowMs = RECONCILE_WINDOW_MS,
): Promise<Partial<Record<Reconciliation, number>>> {
  const em = deps.em.fork();
  const [row] = await em.getConnection().execute<{ newest: Date | null }[]>(
    `select max(updated_at) as newest from (
       select updated_at from loans where status in ('ACTIVE', 'PAID_OFF')
       union all select updated_at from loan_repayments where status in ('COMPLETED', 'FAILED')) settled`,
  );
  const outcomes: Partial<Record<Reconciliation, number>> = {};
  if (!row?.newest) return outcomes;
  const since = new Date(new Date(row.newest).getTime() - windowMs);
  const count = (outcome: Reconciliation) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1);

  const loans = await em.find(Loan, { status: { $in: ['ACTIVE', 'PAID_OFF'] }, updatedAt: { $gte: since } });
  for (const loan of loans) {
    const { bankerId } = await em.findOneOrFail(LoanApplication, { id: loan.applicationId });
    const holdId = loan.disbursementTransactionId ?? null;
    count(
      await reconcileSettled(deps.banking, deps.logger, {
        what: 'disbursement',
        id: loan.id,
        status: 'COMPLETED',
        holdId,
        hold: disbursementHold(loan, bankerId),
        rebind: (id) => rebindDisbursement(deps, loan.id, id),
      }),
    );
  }
  const repayments = await em.find(LoanRepayment, {
    status: { $in: ['COMPLETED', 'FAILED'] },
    updatedAt: { $gte: since },
  });
  for (const repayment of repayments) {
    const settled: SettledPayment = {
      what: 'repayment',
      id: repayment.id,
      status: repayment.status as 'COMPLETED' | 'FAILED',
      holdId: repayment.holdId ?? null,
      hold: repaymentHold(repayment),
      rebind: (id) =>
        deps.em.fork().transactional(async (tx) => {
          const { repayment: locked } = await lockRepayment(tx, repayment.id);
          locked.holdId = id;
        }),
      undo: (code, reason) => revertRepayment(deps, repayment.id, code, reason, 'COMPLETED'),
    };
    count(await reconcileSettled(deps.banking, deps.logger, settled));
  }
  return outcomes;
}

/** Records the hold that now pays a loan out (banking made it again after a restore). */
async function rebindDisbursement(deps: SagaDeps, loanId: string, holdId: string): Promise<void> {
  await deps.em.fork().transactional(async (em) => {
    const loan = await em.findOneOrFail(Loan, { id: loanId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    loan.disbursementHoldId = holdId;
    loan.disbursementTransactionId = holdId;
  });
}
