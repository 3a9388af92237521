/**
 * Loans: accepting an approved offer (which starts the payout saga),
 * repaying (the repayment saga), who may see a loan (its borrower, the
 * banker of its application, risk officers, ADMINs), and the calculator.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type DataLoader from 'dataloader';
import { rowLoader, rowsLoader } from '../../../../platform/loaders.ts';
import { z } from 'zod';
import { requireCustomerAccount, type BankingClient } from '../../../../platform/banking-client.ts';
import { hasRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import {
  BadUserInputError,
  BankError,
  ErrorCode,
  isErrorCode,
  ForbiddenError,
  InvalidStateTransitionError,
  NotFoundError,
} from '../../../../platform/errors.ts';
import { fromMinorUnits, parseAmountInput } from '../../../../platform/money.ts';
import { flushKeyedRequest, requestHashOf, requireSameRequest } from '../../../../platform/idempotency.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { idInput, isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import {
  Loan,
  LoanApplication,
  LoanInstallment,
  LoanRepayment,
  REPAYMENT_METHODS,
  type RepaymentMethodName,
} from '../entities/index.ts';
import { amortize, InvalidLoanInputError, totals, type Installment } from './amortization.ts';
import type { LoanApplications } from './applications.ts';
import { idempotencyKey, LENDING_CURRENCY, parseRate, termMonths } from './lending-input.ts';
import { publishApplicationUpdated } from './live.ts';
import { runDisbursement, runRepayment, type SagaDeps } from './sagas.ts';
import { oneMonthAfter, totalOwed } from './schedule.ts';
import { requireTransition, transition } from './state-machine.ts';

const acceptInput = z.object({
  applicationId: idInput('applicationId'),
  disbursementAccountId: idInput('disbursementAccountId'),
  method: z
    .enum(REPAYMENT_METHODS)
    .nullish()
    .transform((m) => m ?? 'ANNUITY'),
  idempotencyKey,
});

const repayInput = z.object({
  loanId: idInput('loanId'),
  fromAccountId: idInput('fromAccountId'),
  amount: z.string(),
  idempotencyKey,
});

const quoteInput = z.object({
  amount: z.string(),
  annualRate: z.string(),
  termMonths,
  method: z
    .enum(REPAYMENT_METHODS)
    .nullish()
    .transform((m) => m ?? 'ANNUITY'),
});

/** Accounts a loan may be paid into. */
const DISBURSEMENT_ACCOUNT_TYPES = ['BUSINESS', 'CHECKING'];

/** A calculator result. */
export interface Quote {
  amount: bigint;
  annualRatePpm: number;
  termMonths: number;
  method: RepaymentMethodName;
  installments: Installment[];
  totalPayment: bigint;
  totalInterest: bigint;
}

export class Loans {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #applications: LoanApplications;
  readonly #saga: SagaDeps;
  readonly byId: DataLoader<string, Loan | null>;
  readonly installmentsOf: DataLoader<string, LoanInstallment[]>;
  readonly #byApplication: DataLoader<string, Loan | null>;
  readonly #repayments: DataLoader<string, LoanRepayment[]>;

  constructor(em: EntityManager, caller: Caller, deps: { applications: LoanApplications; saga: SagaDeps }) {
    this.#em = em;
    this.#caller = caller;
    this.#applications = deps.applications;
    this.#saga = deps.saga;
    this.byId = rowLoader(this.#em, Loan, 'id');
    this.#byApplication = rowLoader(this.#em, Loan, 'applicationId');
    this.#repayments = rowsLoader(this.#em, LoanRepayment, 'loanId', { createdAt: 'asc', id: 'asc' });
    this.installmentsOf = rowsLoader(this.#em, LoanInstallment, 'loanId', { number: 'asc' });
  }

  get #banking(): BankingClient {
    return this.#saga.banking;
  }

  /** The loan if the caller may see it (through its application); null otherwise. */
  async find(id: string): Promise<Loan | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const loan = await this.byId.load(id);
    if (!loan) return null;
    return (await this.#applications.find(loan.applicationId)) ? loan : null;
  }

  async get(id: string, field = 'id'): Promise<Loan> {
    requireUser(this.#caller);
    parseId(id, field);
    const loan = await this.find(id);
    if (!loan) throw new NotFoundError('Loan', { field });
    return loan;
  }

  /** The loan of an application (already visible to the caller). */
  async ofApplication(application: LoanApplication): Promise<Loan | null> {
    return this.#byApplication.load(application.id);
  }

  /**
   * The account the application's loan is paid into, as a reference banking
   * resolves: for the borrower and ADMINs from the acceptance; for the
   * application's banker and risk officers once the payout's hold exists,
   * since banking shows them the account only from then on (the hold names
   * them as its viewers), so that they see the same on every path.
   */
  async disbursementAccountOf(application: LoanApplication): Promise<{ id: string } | null> {
    const loan = await this.ofApplication(application);
    if (!loan) return null;
    const caller = this.#caller;
    const fullView = caller.kind === 'user' && (caller.userId === loan.borrowerId || hasRole(caller, 'ADMIN'));
    if (!fullView && (loan.disbursementHoldId ?? null) === null) return null;
    return { id: loan.disbursementAccountId };
  }

  /**
   * A completed repayment's banking transaction, as a reference banking
   * resolves: for the borrower who paid it and ADMINs only. Banking shows the
   * banker and risk officers where a loan was paid out (the payout's hold
   * names them), never the borrower's repayments, so lending gives them no
   * reference either and every path agrees.
   */
  repaymentTransactionOf(repayment: LoanRepayment): { id: string } | null {
    // A transaction exists in banking only once the money moved.
    if (repayment.status !== 'COMPLETED' || !repayment.holdId) return null;
    const caller = this.#caller;
    const fullView = caller.kind === 'user' && (caller.userId === repayment.payerId || hasRole(caller, 'ADMIN'));
    return fullView ? { id: repayment.holdId } : null;
  }

  /** A borrower's loans, newest first: the borrower themself and staff. */
  async listForBorrower(borrowerId: string): Promise<Loan[]> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== borrowerId && !hasRole(caller, 'RISK_OFFICER') && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('You can only see your own loans.');
    }
    const loans = await this.#em.find(Loan, { borrowerId }, { orderBy: { createdAt: 'desc', id: 'asc' } });
    for (const loan of loans) this.byId.prime(loan.id, loan);
    return loans;
  }

  async repayments(loan: Loan): Promise<LoanRepayment[]> {
    return this.#repayments.load(loan.id);
  }

  /**
   * The applicant accepts an APPROVED offer: the loan is created (DISBURSING)
   * and paid out by the saga. A retry with the same key returns the same
   * loan (resuming its payout if needed).
   */
  async accept(input: unknown): Promise<Loan> {
    const caller = requireUser(this.#caller);
    const data = parseInput(acceptInput, input);
    const hash = requestHashOf(['accept', data.applicationId, data.disbursementAccountId, data.method]);
    const application = await this.#applications.get(data.applicationId, 'applicationId');
    if (application.applicantId !== caller.userId) {
      throw new ForbiddenError('Only the applicant may accept the offer.');
    }
    const replay = (existing: Loan): Promise<Loan> => {
      if (existing.acceptKey !== data.idempotencyKey) {
        throw new InvalidStateTransitionError('The offer has already been accepted.', { status: application.status });
      }
      requireSameRequest(existing.acceptHash, hash);
      return this.#disburse(existing.id);
    };
    const existing = await this.#em.findOne(Loan, { applicationId: application.id }, { refresh: true });
    if (existing) return replay(existing);
    requireTransition(application, 'ACCEPTED');
    await requireCustomerAccount(this.#banking, data.disbursementAccountId, {
      field: 'disbursementAccountId',
      ownerId: caller.userId,
      currency: LENDING_CURRENCY,
      types: DISBURSEMENT_ACCOUNT_TYPES,
    });

    const { loan, accepted } = await this.#em.transactional(async (em) => {
      const locked = await em.findOneOrFail(
        LoanApplication,
        { id: application.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      // A concurrent accept got here first: this one is its retry, or refused.
      const winner = await em.findOne(Loan, { applicationId: locked.id }, { refresh: true });
      if (winner) return { loan: winner, accepted: null };
      const now = new Date();
      const rate = locked.decisionRatePpm ?? null;
      const term = locked.decisionTermMonths ?? null;
      if (rate === null || term === null) throw new Error(`approved application ${locked.id} without terms`);
      transition(em, locked, 'ACCEPTED', caller.userId, null, now);
      const loan = em.create(Loan, {
        id: randomUUID(),
        applicationId: locked.id,
        borrowerId: caller.userId,
        principal: locked.amount,
        currency: locked.currency,
        annualRatePpm: rate,
        termMonths: term,
        method: data.method,
        status: 'DISBURSING',
        disbursementAccountId: data.disbursementAccountId,
        disbursementHoldId: null,
        disbursementTransactionId: null,
        acceptKey: data.idempotencyKey,
        acceptHash: hash,
        createdAt: now,
        updatedAt: now,
        disbursedAt: null,
      });
      const schedule = amortize({
        principal: locked.amount,
        annualRate: { ppm: BigInt(rate) },
        termMonths: term,
        method: data.method,
        firstDueDate: oneMonthAfter(now),
      });
      for (const i of schedule) {
        em.create(LoanInstallment, {
          loanId: loan.id,
          number: i.number,
          dueDate: i.dueDate,
          principal: i.principal,
          interest: i.interest,
          remaining: i.remaining,
          paidPrincipal: 0n,
          paidInterest: 0n,
        });
      }
      await em.flush();
      return { loan, accepted: locked };
    });
    this.#applications.byId.clear(application.id);
    if (!accepted) return replay(loan);
    await publishApplicationUpdated(this.#saga.bus, this.#saga.logger, accepted);
    return this.#disburse(loan.id);
  }

  async #disburse(loanId: string): Promise<Loan> {
    const loan = await runDisbursement(this.#saga, loanId);
    if (!loan) throw new Error(`loan ${loanId} vanished`);
    this.byId.clear(loanId).prime(loanId, loan);
    this.installmentsOf.clear(loanId);
    return loan;
  }

  /** The borrower repays from one of their accounts: interest first, then principal. */
  async repay(input: unknown): Promise<LoanRepayment> {
    const caller = requireUser(this.#caller);
    const data = parseInput(repayInput, input);
    const amount = parseAmountInput(data.amount, LENDING_CURRENCY, 'amount');
    const loan = await this.get(data.loanId, 'loanId');
    if (loan.borrowerId !== caller.userId) throw new ForbiddenError('Only the borrower may repay the loan.');
    const hash = requestHashOf(['repay', loan.id, data.fromAccountId, amount.toString()]);
    const previous = await this.#em.findOne(LoanRepayment, {
      payerId: caller.userId,
      idempotencyKey: data.idempotencyKey,
    });
    if (previous) {
      requireSameRequest(previous.requestHash, hash);
      return this.#settle(previous);
    }
    if (loan.status !== 'ACTIVE') {
      throw new InvalidStateTransitionError(`The loan is ${loan.status}; only an ACTIVE loan can be repaid.`, {
        status: loan.status,
      });
    }
    const owed = totalOwed(await this.installmentsOf.load(loan.id));
    if (amount > owed) {
      throw new BadUserInputError('The amount is more than what is owed on the loan.', 'amount', {
        owed: fromMinorUnits(owed, LENDING_CURRENCY),
      });
    }
    await requireCustomerAccount(this.#banking, data.fromAccountId, {
      field: 'fromAccountId',
      ownerId: caller.userId,
      currency: LENDING_CURRENCY,
    });
    const now = new Date();
    const repayment = this.#em.create(LoanRepayment, {
      id: randomUUID(),
      loanId: loan.id,
      payerId: caller.userId,
      fromAccountId: data.fromAccountId,
      amount,
      currency: LENDING_CURRENCY,
      interest: 0n,
      principal: 0n,
      status: 'PENDING',
      failureCode: null,
      failureReason: null,
      holdId: null,
      idempotencyKey: data.idempotencyKey,
      requestHash: hash,
      appliedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await flushKeyedRequest(this.#em);
    return this.#settle(repayment);
  }

  /** Runs (or resumes) a repayment's saga; a FAILED one is answered with its error again. */
  async #settle(repayment: LoanRepayment): Promise<LoanRepayment> {
    if (repayment.status === 'FAILED') {
      const code = isErrorCode(repayment.failureCode) ? repayment.failureCode : ErrorCode.BAD_USER_INPUT;
      throw new BankError(code, repayment.failureReason ?? 'The repayment failed.', { repaymentId: repayment.id });
    }
    const settled = await runRepayment(this.#saga, repayment.id);
    if (!settled) throw new Error(`repayment ${repayment.id} vanished`);
    this.byId.clear(settled.loanId);
    this.installmentsOf.clear(settled.loanId);
    return settled;
  }

  /** The public calculator: the schedule of a loan, first installment one month from today. */
  quote(args: unknown): Quote {
    const data = parseInput(quoteInput, args);
    const amount = parseAmountInput(data.amount, LENDING_CURRENCY, 'amount');
    const rate = parseRate(data.annualRate, 'annualRate');
    try {
      const installments = amortize({
        principal: amount,
        annualRate: rate,
        termMonths: data.termMonths,
        method: data.method,
        firstDueDate: oneMonthAfter(new Date()),
      });
      const sums = totals(installments);
      return {
        amount,
        annualRatePpm: Number(rate.ppm),
        termMonths: data.termMonths,
        method: data.method,
        installments,
        totalPayment: sums.totalPayment,
        totalInterest: sums.totalInterest,
      };
    } catch (error) {
      if (error instanceof InvalidLoanInputError) throw new BadUserInputError(error.message, error.field);
      throw error;
    }
  }
}
