/**
 * Bill payments: paying (part of) a bill from one of the owner's accounts
 * as a saga over a banking hold (platform/hold-saga.ts: reserve → record on
 * the bill → post, or void and FAILED), listing and reading them (the owner
 * and ADMINs), and the recovery of payments left PENDING (a crash, banking
 * down).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { z } from 'zod';
import {
  requireCustomerAccount,
  type BankingClient,
  type CreateHoldRequest,
} from '../../../../platform/banking-client.ts';
import { hasRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import {
  BadUserInputError,
  ErrorCode,
  ForbiddenError,
  InvalidStateTransitionError,
  NotFoundError,
} from '../../../../platform/errors.ts';
import type { Logger } from '../../../../platform/logger.ts';
import {
  PaymentRefused,
  paymentState,
  RECONCILE_WINDOW_MS,
  reconcileSettled,
  runHoldPayment,
  type Reconciliation,
} from '../../../../platform/hold-saga.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { countIfPaymentRefused, countPaymentRefusal, countRecovery } from '../../../../platform/subgraph-metrics.ts';
import {
  flushKeyedRequest,
  idempotencyKeyInput,
  requestHashOf,
  requireSameRequest,
} from '../../../../platform/idempotency.ts';
import { rowLoader, rowsLoader } from '../../../../platform/loaders.ts';
import { fromMinorUnits, parseAmountInput, type Currency } from '../../../../platform/money.ts';
import { sqlParams, type EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { idInput, isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import { Bill, Biller, BillPayment } from '../entities/index.ts';
import { refreshStatus, type Bills } from './bills.ts';
import type { StepUpPolicy } from '../../../../platform/step-up.ts';

const payInput = z.object({
  billId: idInput('billId'),
  fromAccountId: idInput('fromAccountId'),
  amount: z.string(),
  idempotencyKey: idempotencyKeyInput,
  stepUpProof: z.string().max(4096, '"stepUpProof" is not a proof.').nullish(),
});
const CURSOR = z.tuple([z.number().int().positive()]);

/** Has `payerId` never completed a payment to `billerId`? */
export async function neverPaid(em: EntityManager, payerId: string, billerId: string): Promise<boolean> {
  const rows = await sqlParams<{ paid: boolean }>(
    em,
    `select exists (
       select 1 from bill_payments p join bills b on b.id = p.bill_id
       where p.payer_id = ? and b.biller_id = ? and p.status = 'COMPLETED'
     ) as paid`,
    [payerId, billerId],
  );
  return !rows[0]?.paid;
}

/** What the saga and the jobs need. */
export interface PaymentDeps {
  /** Any EntityManager of the billing database: each step works on its own fork. */
  em: EntityManager;
  banking: BankingClient;
  logger: Logger;
}

export const paymentKey = (paymentId: string): string => `bill-payment:${paymentId}`;

/** Still owed on a bill: its amount less the payments applied to it. */
export const remainingOf = (bill: Bill): bigint => bill.amount - bill.paid;

/**
 * Records a PENDING payment (the saga's intent) in the caller's unit of work;
 * the caller flushes. Used by `payBill` and by the scheduler.
 */
export function recordPayment(
  em: EntityManager,
  data: {
    bill: Bill;
    payerId: string;
    fromAccountId: string;
    amount: bigint;
    /** The client's key and request hash; null for a scheduled payment. */
    idempotencyKey: string | null;
    requestHash: string | null;
    scheduledPaymentId: string | null;
  },
): BillPayment {
  const now = new Date();
  return em.create(BillPayment, {
    id: randomUUID(),
    billId: data.bill.id,
    payerId: data.payerId,
    fromAccountId: data.fromAccountId,
    amount: data.amount,
    currency: data.bill.currency,
    status: 'PENDING',
    holdId: null,
    appliedAt: null,
    failureCode: null,
    failureReason: null,
    idempotencyKey: data.idempotencyKey,
    requestHash: data.requestHash,
    scheduledPaymentId: data.scheduledPaymentId,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
  });
}

/**
 * Runs (or resumes) a PENDING payment's saga and returns the payment as it
 * ends: COMPLETED, FAILED (a definite refusal: nothing moved), or PENDING
 * (banking unreachable: the recovery job finishes it).
 */
export async function runBillPayment(deps: PaymentDeps, paymentId: string): Promise<BillPayment | null> {
  const em = deps.em.fork();
  const payment = await em.findOne(BillPayment, { id: paymentId }, { refresh: true });
  if (!payment) return null;
  try {
    await runHoldPayment(deps.banking, deps.logger, {
      what: 'bill payment',
      id: payment.id,
      load: async () => paymentState(await deps.em.fork().findOne(BillPayment, { id: paymentId }, { refresh: true })),
      hold: holdOf(payment),
      apply: (holdId) => applyToBill(deps, payment.id, holdId),
      fail: (code, reason) => failPayment(deps, payment.id, code, reason),
      complete: (holdId) => completePayment(deps, payment.id, holdId),
      revert: (code, reason) => revertPayment(deps, payment.id, code, reason),
      fieldOf: (field) => (field === 'fromAccountId' ? 'fromAccountId' : undefined),
    });
  } catch (error) {
    // A refusal is the payment's outcome (FAILED, with its reason), not an error of the request.
    if (!(error instanceof PaymentRefused)) throw error;
  }
  return em.findOne(BillPayment, { id: paymentId }, { refresh: true });
}

/** The hold of a payment's saga (step 1): the same request every time, so banking answers with the same hold. */
function holdOf(payment: BillPayment): CreateHoldRequest {
  return {
    from: { accountId: payment.fromAccountId },
    to: { system: 'BILL_SETTLEMENT' },
    customerId: payment.payerId,
    amount: fromMinorUnits(payment.amount, payment.currency as Currency),
    kind: 'BILL_PAYMENT',
    idempotencyKey: paymentKey(payment.id),
    description: 'Bill payment',
  };
}

/** Records the payment on the bill under the bill's lock; a refusal when it no longer fits. */
async function applyToBill(deps: PaymentDeps, paymentId: string, holdId: string): Promise<true | PaymentRefused> {
  return settle(deps, paymentId, async (em, payment, bill) => {
    payment.holdId = holdId;
    if ((payment.appliedAt ?? null) !== null) return true;
    if (bill.status === 'CANCELLED') {
      return new PaymentRefused(ErrorCode.INVALID_STATE_TRANSITION, 'The bill was cancelled.', { status: 'CANCELLED' });
    }
    if (payment.amount > remainingOf(bill)) {
      return new PaymentRefused(ErrorCode.BAD_USER_INPUT, 'The amount is more than what is still owed on the bill.', {
        field: 'amount',
      });
    }
    const now = new Date();
    bill.paid += payment.amount;
    await refreshStatus(em, bill);
    payment.appliedAt = now;
    payment.updatedAt = now;
    return true;
  });
}

async function completePayment(deps: PaymentDeps, paymentId: string, holdId: string): Promise<void> {
  await settle(deps, paymentId, async (em, payment, bill) => {
    if (payment.status !== 'PENDING') return;
    const now = new Date();
    payment.status = 'COMPLETED';
    payment.holdId = holdId;
    payment.updatedAt = now;
    payment.settledAt = now;
    await noticeIfPaid(em, bill, paymentId);
  });
}

/**
 * Runs one step of a payment's saga in a transaction, with its bill and then
 * the payment locked (refreshed): the order every step locks them in, so
 * concurrent runs of the saga, or of two payments of one bill, queue.
 */
async function settle<T>(
  deps: PaymentDeps,
  paymentId: string,
  step: (em: EntityManager, payment: BillPayment, bill: Bill) => Promise<T>,
): Promise<T> {
  return deps.em.fork().transactional(async (em) => {
    const { billId } = await em.findOneOrFail(BillPayment, { id: paymentId }, { fields: ['billId'] });
    const bill = await em.findOneOrFail(Bill, { id: billId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const payment = await em.findOneOrFail(
      BillPayment,
      { id: paymentId },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    return step(em, payment, bill);
  });
}

/**
 * Writes `billing.bill.paid` once, when a PAID bill's last payment settles
 * (whatever order its payments complete or fail in).
 */
async function noticeIfPaid(em: EntityManager, bill: Bill, settledId: string): Promise<void> {
  if (bill.status !== 'PAID' || (bill.paidNoticeAt ?? null) !== null) return;
  const unsettled = await em.count(BillPayment, { billId: bill.id, status: 'PENDING', id: { $ne: settledId } });
  if (unsettled > 0) return;
  bill.paidNoticeAt = new Date();
  recordEvent(em, 'billing.bill.paid', await billEvent(em, bill, { paymentId: settledId }));
}

/** Undoes an applied payment whose hold banking voided: the bill owes it again; the payment FAILED. */
async function revertPayment(deps: PaymentDeps, paymentId: string, code: string, reason: string): Promise<void> {
  await settle(deps, paymentId, async (em, payment, bill) => {
    if (payment.status !== 'PENDING' || (payment.appliedAt ?? null) === null) return;
    bill.paid -= payment.amount;
    await refreshStatus(em, bill);
    payment.appliedAt = null;
    await settleFailed(em, payment, bill, code, reason);
  });
}

async function failPayment(deps: PaymentDeps, paymentId: string, code: string, reason: string): Promise<void> {
  await settle(deps, paymentId, async (em, payment, bill) => {
    if (payment.status !== 'PENDING' || (payment.appliedAt ?? null) !== null) return;
    await settleFailed(em, payment, bill, code, reason);
    await noticeIfPaid(em, bill, paymentId);
  });
}

/** Marks a payment FAILED with its reason and writes `billing.payment.failed` (caller's transaction). */
async function settleFailed(
  em: EntityManager,
  payment: BillPayment,
  bill: Bill,
  code: string,
  reason: string,
): Promise<void> {
  const now = new Date();
  payment.status = 'FAILED';
  payment.failureCode = code;
  payment.failureReason = reason;
  payment.updatedAt = now;
  payment.settledAt = now;
  recordEvent(
    em,
    'billing.payment.failed',
    await billEvent(em, bill, {
      paymentId: payment.id,
      amount: fromMinorUnits(payment.amount, payment.currency as Currency),
      reason,
    }),
  );
}

/** The payload of billing's events about a bill (ids, biller name, amounts: never account numbers). */
export async function billEvent(
  em: EntityManager,
  bill: Bill,
  extra: Record<string, string | null> = {},
): Promise<Record<string, unknown>> {
  const biller = await em.findOne(Biller, { id: bill.billerId });
  return {
    userId: bill.ownerId,
    billId: bill.id,
    billerName: biller?.name ?? null,
    amount: fromMinorUnits(bill.amount, bill.currency as Currency),
    currency: bill.currency,
    dueDate: bill.dueDate,
    ...extra,
  };
}

/** Resumes every payment left PENDING for longer than `olderThanMs`; returns how many it looked at. */
export async function recoverPayments(deps: PaymentDeps, olderThanMs = 5_000): Promise<number> {
  const before = new Date(Date.now() - olderThanMs);
  const pending = await deps.em
    .fork()
    .find(BillPayment, { status: 'PENDING', updatedAt: { $lte: before } }, { limit: 100 });
  const metrics = metricsOf('billing');
  for (const payment of pending) {
    const after = await runBillPayment(deps, payment.id).catch((error: unknown) => {
      deps.logger.error({ err: error, paymentId: payment.id }, 'bill payment recovery failed');
      return null;
    });
    countRecovery(metrics, 'bill_payment', after?.status);
  }
  return pending.length;
}

/**
 * After a restore (README, "Disaster recovery"): checks every payment
 * settled in the last {@link RECONCILE_WINDOW_MS} of billing's own history
 * against banking, which may lag it (platform/hold-saga.ts
 * `reconcileSettled`). A COMPLETED payment banking refuses to take again is
 * undone: the bill owes it again, the payment is FAILED. Returns what it
 * found, by outcome.
 */
export async function reconcilePayments(
  deps: PaymentDeps,
  windowMs = RECONCILE_WINDOW_MS,
): Promise<Partial<Record<Reconciliation, number>>> {
  const em = deps.em.fork();
  const [row] = await em
    .getConnection()
    .execute<{ newest: Date | null }[]>(
      `select max(updated_at) as newest from bill_payments where status in ('COMPLETED', 'FAILED')`,
    );
  const outcomes: Partial<Record<Reconciliation, number>> = {};
  if (!row?.newest) return outcomes;
  const since = new Date(new Date(row.newest).getTime() - windowMs);
  const settled = await em.find(
    BillPayment,
    { status: { $in: ['COMPLETED', 'FAILED'] }, updatedAt: { $gte: since } },
    { orderBy: { updatedAt: 'asc' } },
  );
  for (const payment of settled) {
    const outcome = await reconcileSettled(deps.banking, deps.logger, {
      what: 'bill payment',
      id: payment.id,
      status: payment.status as 'COMPLETED' | 'FAILED',
      holdId: payment.holdId ?? null,
      hold: holdOf(payment),
      rebind: (holdId) =>
        settle(deps, payment.id, async (_em, locked) => {
          locked.holdId = holdId;
        }),
      undo: (code, reason) => undoCompleted(deps, payment.id, code, reason),
    });
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return outcomes;
}

/** A COMPLETED payment that banking lost and refuses again: the bill owes it again; the payment FAILED. */
async function undoCompleted(deps: PaymentDeps, paymentId: string, code: string, reason: string): Promise<void> {
  await settle(deps, paymentId, async (em, payment, bill) => {
    if (payment.status !== 'COMPLETED') return;
    bill.paid -= payment.amount;
    await refreshStatus(em, bill);
    payment.appliedAt = null;
    payment.holdId = null;
    await settleFailed(em, payment, bill, code, reason);
  });
}

export class BillPayments {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #bills: Bills;
  readonly #deps: PaymentDeps;
  readonly #stepUp: StepUpPolicy;
  readonly byId;
  /** A bill's payments, for every bill of one request in one query. */
  readonly #ofBill;

  constructor(em: EntityManager, caller: Caller, deps: { bills: Bills; saga: PaymentDeps; stepUp: StepUpPolicy }) {
    this.#em = em;
    this.#caller = caller;
    this.#bills = deps.bills;
    this.#deps = deps.saga;
    this.#stepUp = deps.stepUp;
    this.byId = rowLoader<BillPayment, string>(em, BillPayment, 'id');
    this.#ofBill = rowsLoader<BillPayment, string>(em, BillPayment, 'billId', { seq: 'asc' });
  }

  canSee(payment: BillPayment): boolean {
    const caller = this.#caller;
    return caller.kind === 'user' && (payment.payerId === caller.userId || hasRole(caller, 'ADMIN'));
  }

  async find(id: string): Promise<BillPayment | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const payment = await this.byId.load(id);
    return payment && this.canSee(payment) ? payment : null;
  }

  async get(id: string, field = 'id'): Promise<BillPayment> {
    requireUser(this.#caller);
    parseId(id, field);
    const payment = await this.find(id);
    if (!payment) throw new NotFoundError('Bill payment', { field });
    return payment;
  }

  /**
   * Pays (part of) one of the caller's bills. A refusal by banking is a
   * FAILED payment, returned. Over the threshold, to a biller the caller
   * never paid, or soon after a security change, it needs a second factor
   * first (STEP_UP_REQUIRED; platform/step-up.ts): nothing is recorded until
   * it is given.
   */
  /** Pays (part of) a bill once per idempotency key; a refusal is counted by its code (`bank_payment_refusals_total`). */
  async pay(input: unknown): Promise<BillPayment> {
    let payment: BillPayment;
    try {
      payment = await this.#pay(input);
    } catch (error) {
      countIfPaymentRefused(metricsOf('billing'), error);
      throw error;
    }
    // Refused by banking after it was recorded: the payment is FAILED with banking's code.
    if (payment.status === 'FAILED' && payment.failureCode)
      countPaymentRefusal(metricsOf('billing'), payment.failureCode);
    return payment;
  }

  async #pay(input: unknown): Promise<BillPayment> {
    const caller = requireUser(this.#caller);
    const data = parseInput(payInput, input);
    const bill = await this.#bills.getOwn(data.billId, 'billId');
    const amount = parseAmountInput(data.amount, bill.currency as Currency, 'amount');
    const requestHash = requestHashOf(['pay', bill.id, data.fromAccountId, amount.toString()]);
    const previous = await this.#em.findOne(BillPayment, {
      payerId: caller.userId,
      idempotencyKey: data.idempotencyKey,
    });
    if (previous) {
      requireSameRequest(previous.requestHash, requestHash);
      return previous.status === 'PENDING' ? ((await runBillPayment(this.#deps, previous.id)) ?? previous) : previous;
    }
    if (bill.status === 'CANCELLED' || bill.status === 'PAID') {
      throw new InvalidStateTransitionError(`The bill is ${bill.status}; it cannot be paid.`, { status: bill.status });
    }
    if (amount > remainingOf(bill)) {
      throw new BadUserInputError('The amount is more than what is still owed on the bill.', 'amount', {
        remaining: fromMinorUnits(remainingOf(bill), bill.currency as Currency),
      });
    }
    await requireCustomerAccount(this.#deps.banking, data.fromAccountId, {
      field: 'fromAccountId',
      ownerId: caller.userId,
      currency: bill.currency,
    });
    const operation = {
      kind: 'BILL_PAYMENT' as const,
      payerId: caller.userId,
      idempotencyKey: data.idempotencyKey,
      amount,
      currency: bill.currency as Currency,
      source: data.fromAccountId,
      destination: bill.billerId,
    };
    await this.#stepUp.check(this.#em, operation, data.stepUpProof, () =>
      neverPaid(this.#em, caller.userId, bill.billerId),
    );
    const payment = recordPayment(this.#em, {
      bill,
      payerId: caller.userId,
      fromAccountId: data.fromAccountId,
      amount,
      idempotencyKey: data.idempotencyKey,
      requestHash,
      scheduledPaymentId: null,
    });
    await flushKeyedRequest(this.#em);
    const settled = (await runBillPayment(this.#deps, payment.id)) ?? payment;
    this.byId.clear(payment.id).prime(payment.id, settled);
    this.#bills.byId.clear(bill.id);
    return settled;
  }

  /** A user's payments, newest first: the user themself or an ADMIN. */
  async listFor(
    payerId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<BillPayment>> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== payerId && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('You can only see your own payments.');
    }
    const limit = pageSize(args.first);
    const where: Record<string, unknown> = { payerId };
    if (args.after) where.seq = { $lt: decodeCursor(args.after, CURSOR)[0] };
    const rows = await this.#em.find(BillPayment, where, { orderBy: { seq: 'desc' }, limit: limit + 1 });
    return toConnection(rows, limit, (p) => [p.seq]);
  }

  /** A bill's payments, oldest first (the bill is already visible to the caller). */
  async ofBill(bill: Bill): Promise<BillPayment[]> {
    return this.#ofBill.load(bill.id);
  }
}
