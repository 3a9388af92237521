/**
 * Scheduled payments: a bill's remaining amount paid on a chosen day by the
 * billing service. The scheduler claims due schedules in the database
 * (`FOR UPDATE SKIP LOCKED`) and, in the same transaction, marks each
 * EXECUTED and records its payment, so each is paid once however many
 * billing instances run; the payments then go through the usual saga, and a
 * refusal (insufficient funds) is a FAILED payment with its event.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { z } from 'zod';
import { requireCustomerAccount } from '../../../../platform/banking-client.ts';
import { hasRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import {
  BadUserInputError,
  ForbiddenError,
  InvalidStateTransitionError,
  NotFoundError,
} from '../../../../platform/errors.ts';
import { rowLoader, rowsLoader } from '../../../../platform/loaders.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { idInput, isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import { Bill, ScheduledPayment } from '../entities/index.ts';
import { calendarDay, today } from '../../../../platform/calendar.ts';
import { BILLING_FIRST_YEAR, refreshStatus, type Bills } from './bills.ts';
import { neverPaid, recordPayment, remainingOf, runBillPayment, type PaymentDeps } from './payments.ts';
import type { Currency } from '../../../../platform/money.ts';
import type { StepUpPolicy } from '../../../../platform/step-up.ts';

const scheduleInput = z.object({
  billId: idInput('billId'),
  fromAccountId: idInput('fromAccountId'),
  payOn: calendarDay('payOn', BILLING_FIRST_YEAR),
  stepUpProof: z.string().max(4096, '"stepUpProof" is not a proof.').nullish(),
});

export class ScheduledPayments {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #bills: Bills;
  readonly #deps: PaymentDeps;
  readonly #stepUp: StepUpPolicy;
  readonly byId;
  /** A bill's schedules, for every bill of one request in one query. */
  readonly #ofBill;

  constructor(em: EntityManager, caller: Caller, deps: { bills: Bills; saga: PaymentDeps; stepUp: StepUpPolicy }) {
    this.#em = em;
    this.#caller = caller;
    this.#bills = deps.bills;
    this.#deps = deps.saga;
    this.#stepUp = deps.stepUp;
    this.byId = rowLoader<ScheduledPayment, string>(em, ScheduledPayment, 'id');
    this.#ofBill = rowsLoader<ScheduledPayment, string>(em, ScheduledPayment, 'billId', {
      createdAt: 'asc',
      id: 'asc',
    });
  }

  /** A schedule of a bill the caller may see; null otherwise. */
  async find(id: string): Promise<ScheduledPayment | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const schedule = await this.byId.load(id);
    return schedule && (await this.#bills.find(schedule.billId)) ? schedule : null;
  }

  /** Schedules the payment of a bill's remaining amount on `payOn` (today or later), one at a time per bill. */
  async schedule(input: unknown): Promise<ScheduledPayment> {
    const caller = requireUser(this.#caller);
    const data = parseInput(scheduleInput, input);
    if (data.payOn < today()) throw new BadUserInputError('"payOn" must be today or later.', 'payOn');
    const bill = await this.#bills.getOwn(data.billId, 'billId');
    await requireCustomerAccount(this.#deps.banking, data.fromAccountId, {
      field: 'fromAccountId',
      ownerId: caller.userId,
      currency: bill.currency,
    });
    return this.#em.transactional(async (em) => {
      const locked = await em.findOneOrFail(
        Bill,
        { id: bill.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (locked.status === 'CANCELLED' || locked.status === 'PAID') {
        throw new InvalidStateTransitionError(`The bill is ${locked.status}; it cannot be paid.`, {
          status: locked.status,
        });
      }
      if ((await em.count(ScheduledPayment, { billId: locked.id, status: 'SCHEDULED' })) > 0) {
        throw new InvalidStateTransitionError('A payment is already scheduled for this bill; cancel it first.', {
          status: locked.status,
        });
      }
      // Scheduling authorizes the payment (what is still owed, at most): the step-up rule applies now.
      const operation = {
        kind: 'BILL_SCHEDULE' as const,
        payerId: caller.userId,
        idempotencyKey: `${locked.id}:${data.payOn}`,
        amount: remainingOf(locked),
        currency: locked.currency as Currency,
        source: data.fromAccountId,
        destination: locked.billerId,
      };
      await this.#stepUp.check(em, operation, data.stepUpProof, () => neverPaid(em, caller.userId, locked.billerId));
      const now = new Date();
      const schedule = em.create(ScheduledPayment, {
        id: randomUUID(),
        billId: locked.id,
        ownerId: caller.userId,
        fromAccountId: data.fromAccountId,
        payOn: data.payOn,
        status: 'SCHEDULED',
        paymentId: null,
        createdAt: now,
        updatedAt: now,
      });
      await em.flush();
      await refreshStatus(em, locked);
      return schedule;
    });
  }

  /** Cancels one of the caller's schedules before its day. */
  async cancel(id: string): Promise<ScheduledPayment> {
    const caller = requireUser(this.#caller);
    parseId(id, 'id');
    return this.#em.transactional(async (em) => {
      const schedule = await em.findOne(
        ScheduledPayment,
        { id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      // Others do not learn it exists; an ADMIN, who may see it, is told it is not theirs to cancel (as for bills).
      const seen = schedule && (schedule.ownerId === caller.userId || hasRole(caller, 'ADMIN'));
      if (!schedule || !seen) throw new NotFoundError('Scheduled payment', { field: 'id' });
      if (schedule.ownerId !== caller.userId) {
        throw new ForbiddenError('Only the owner of a scheduled payment may cancel it.', { field: 'id' });
      }
      if (schedule.status !== 'SCHEDULED') {
        throw new InvalidStateTransitionError(`The scheduled payment is ${schedule.status}; it cannot be cancelled.`, {
          status: schedule.status,
        });
      }
      schedule.status = 'CANCELLED';
      schedule.updatedAt = new Date();
      await em.flush();
      const bill = await em.findOneOrFail(Bill, { id: schedule.billId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      await refreshStatus(em, bill);
      return schedule;
    });
  }

  /** A bill's schedules, oldest first (the bill is already visible to the caller). */
  async ofBill(bill: Bill): Promise<ScheduledPayment[]> {
    return this.#ofBill.load(bill.id);
  }
}

/**
 * The scheduler's run: claims the schedules due on `day` or before, records
 * their payments (in the claiming transaction), then pays them. Returns the
 * payments it made.
 */
export async function runDueSchedules(deps: PaymentDeps, day: string = today(), batch = 20): Promise<string[]> {
  const made: string[] = [];
  for (;;) {
    const claimed = await deps.em.fork().transactional(async (em) => {
      const rows = await em.getConnection().execute<{ id: string }[]>(
        `select id from scheduled_payments where status = 'SCHEDULED' and pay_on <= ?
          order by pay_on, id limit ? for update skip locked`,
        [day, batch],
        'all',
        em.getTransactionContext(),
      );
      const payments: string[] = [];
      for (const { id } of rows) {
        const schedule = await em.findOneOrFail(ScheduledPayment, { id });
        const bill = await em.findOneOrFail(
          Bill,
          { id: schedule.billId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        schedule.updatedAt = new Date();
        const remaining = remainingOf(bill);
        if (bill.status === 'CANCELLED' || remaining <= 0n) {
          // Paid (or cancelled) before its day: nothing left to pay.
          schedule.status = 'CANCELLED';
        } else {
          const payment = recordPayment(em, {
            bill,
            payerId: schedule.ownerId,
            fromAccountId: schedule.fromAccountId,
            amount: remaining,
            idempotencyKey: null,
            requestHash: null,
            scheduledPaymentId: schedule.id,
          });
          schedule.status = 'EXECUTED';
          schedule.paymentId = payment.id;
          payments.push(payment.id);
        }
        await em.flush();
        await refreshStatus(em, bill, day);
      }
      return { count: rows.length, payments };
    });
    for (const id of claimed.payments) {
      await runBillPayment(deps, id).catch((error: unknown) =>
        deps.logger.error({ err: error, paymentId: id }, 'scheduled payment failed; recovery will resume it'),
      );
    }
    made.push(...claimed.payments);
    if (claimed.count < batch) return made;
  }
}
