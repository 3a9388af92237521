/**
 * Bills: registering one (the owner, or an ADMIN issuing it as a biller's
 * feed would), who may see it (its owner and ADMINs, on every path),
 * listing, the upcoming ones, cancelling, and the status rule.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { z } from 'zod';
import { hasRole, requireRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import {
  BadUserInputError,
  ForbiddenError,
  InvalidStateTransitionError,
  NotFoundError,
} from '../../../../platform/errors.ts';
import { rolesOf } from '../../../../platform/known-users.ts';
import { columnsOf, entityOf, rowLoader } from '../../../../platform/loaders.ts';
import { parseAmountInput, type Currency } from '../../../../platform/money.ts';
import { sqlParams, type EntityManager } from '../../../../platform/orm.ts';
import { idInput, isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import { Bill, BILL_STATUSES, Biller, BillPayment, ScheduledPayment, type BillStatus } from '../entities/index.ts';
import type { Billers } from './billers.ts';
import { addDays, calendarDay, today } from '../../../../platform/calendar.ts';

/** Billing's consumer group of identity's user events (platform/known-users.ts). */
export const KNOWN_USERS_CONSUMER_GROUP = 'billing-users';
/** Billing's consumer group of identity's security changes (platform/step-up.ts). */
export const SECURITY_CHANGES_CONSUMER_GROUP = 'billing-security-changes';

/** Bills fall due, and are paid, from the year 2000 on. */
export const BILLING_FIRST_YEAR = 2000;

const reference = z
  .string()
  .trim()
  .min(1, '"customerReference" must be 1 to 100 characters.')
  .max(100, '"customerReference" must be 1 to 100 characters.');
const addInput = z.object({
  billerId: idInput('billerId'),
  customerReference: reference,
  amount: z.string(),
  dueDate: calendarDay('dueDate', BILLING_FIRST_YEAR),
});
const issueInput = addInput.extend({ userId: idInput('userId') });

/**
 * The status a bill has: CANCELLED and PAID are final; otherwise OVERDUE
 * after its due date, SCHEDULED while a payment is scheduled, else DUE.
 */
export function statusFor(bill: Bill, scheduled: boolean, day: string = today()): BillStatus {
  if (bill.status === 'CANCELLED') return 'CANCELLED';
  if (bill.paid >= bill.amount) return 'PAID';
  if (bill.dueDate < day) return 'OVERDUE';
  return scheduled ? 'SCHEDULED' : 'DUE';
}

/** Sets `bill.status` by {@link statusFor}, reading whether it has a scheduled payment (caller's transaction). */
export async function refreshStatus(em: EntityManager, bill: Bill, day: string = today()): Promise<void> {
  const scheduled = (await em.count(ScheduledPayment, { billId: bill.id, status: 'SCHEDULED' })) > 0;
  const status = statusFor(bill, scheduled, day);
  if (status !== bill.status) {
    bill.status = status;
    bill.updatedAt = new Date();
  }
}

export class Bills {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #billers: Billers;
  readonly byId;

  constructor(em: EntityManager, caller: Caller, billers: Billers) {
    this.#em = em;
    this.#caller = caller;
    this.#billers = billers;
    this.byId = rowLoader<Bill, string>(em, Bill, 'id');
  }

  /** Its owner and ADMINs see a bill. */
  canSee(bill: Bill): boolean {
    const caller = this.#caller;
    return caller.kind === 'user' && (bill.ownerId === caller.userId || hasRole(caller, 'ADMIN'));
  }

  async find(id: string): Promise<Bill | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const bill = await this.byId.load(id);
    return bill && this.canSee(bill) ? bill : null;
  }

  /** The bill if the caller may see it; NOT_FOUND on `field` otherwise. */
  async get(id: string, field = 'id'): Promise<Bill> {
    requireUser(this.#caller);
    parseId(id, field);
    const bill = await this.find(id);
    if (!bill) throw new NotFoundError('Bill', { field });
    return bill;
  }

  /** One of the caller's own bills (to pay or schedule): NOT_FOUND for others', FORBIDDEN for an ADMIN's look at another's. */
  async getOwn(id: string, field: string): Promise<Bill> {
    const caller = requireUser(this.#caller);
    const bill = await this.get(id, field);
    if (bill.ownerId !== caller.userId) throw new ForbiddenError('Only the owner of a bill may pay it.');
    return bill;
  }

  /** Registers a bill the caller owes. */
  async add(input: unknown): Promise<Bill> {
    const caller = requireUser(this.#caller);
    const data = parseInput(addInput, input);
    return this.#create(caller.userId, caller.userId, data);
  }

  /**
   * ADMIN only: issues a bill to a user, as a biller's feed would. A user
   * billing has not heard of (identity's events, platform/known-users.ts) is
   * NOT_FOUND and nothing is written: a bill nobody can see or pay would be
   * money the bank claims from no one.
   */
  async issue(input: unknown): Promise<Bill> {
    const admin = requireRole(this.#caller, 'ADMIN');
    const data = parseInput(issueInput, input);
    return this.#create(data.userId, admin.userId, data);
  }

  async #create(
    ownerId: string,
    issuedBy: string,
    data: { billerId: string; customerReference: string; amount: string; dueDate: string },
  ): Promise<Bill> {
    const biller = await this.#billers.requireActive(data.billerId, 'billerId');
    // A user billing has not heard of, or an erased one (no roles left), cannot be billed.
    if (ownerId !== issuedBy && !(await rolesOf(this.#em, ownerId))?.length) {
      throw new NotFoundError('User', { field: 'userId' });
    }
    const amount = parseAmountInput(data.amount, biller.currency as Currency, 'amount');
    const now = new Date();
    const bill = this.#em.create(Bill, {
      id: randomUUID(),
      ownerId,
      billerId: biller.id,
      customerReference: data.customerReference,
      amount,
      currency: biller.currency,
      paid: 0n,
      dueDate: data.dueDate,
      status: 'DUE',
      issuedBy,
      dueNoticeAt: null,
      paidNoticeAt: null,
      createdAt: now,
      updatedAt: now,
    });
    bill.status = statusFor(bill, false);
    await this.#em.flush();
    return bill;
  }

  /** Cancels a bill nothing has been paid on (nor is being paid), with its scheduled payments. */
  async cancel(id: string): Promise<Bill> {
    const caller = requireUser(this.#caller);
    parseId(id, 'id');
    const bill = await this.#em.transactional(async (em) => {
      // Schedules before their bill, the order the scheduler locks them in (no deadlock).
      const schedules = await em.find(
        ScheduledPayment,
        { billId: id, status: 'SCHEDULED' },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      const bill = await em.findOne(Bill, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!bill || !this.canSee(bill)) throw new NotFoundError('Bill', { field: 'id' });
      if (bill.ownerId !== caller.userId) throw new ForbiddenError('Only the owner of a bill may cancel it.');
      if (bill.status === 'CANCELLED' || bill.status === 'PAID') {
        throw new InvalidStateTransitionError(`The bill is ${bill.status}; it cannot be cancelled.`, {
          status: bill.status,
        });
      }
      const inFlight = await em.count(BillPayment, { billId: id, status: { $in: ['PENDING', 'COMPLETED'] } });
      if (bill.paid > 0n || inFlight > 0) {
        throw new InvalidStateTransitionError('Payments were made on this bill; it cannot be cancelled.', {
          status: bill.status,
        });
      }
      const now = new Date();
      for (const schedule of schedules.filter((s) => s.status === 'SCHEDULED')) {
        schedule.status = 'CANCELLED';
        schedule.updatedAt = now;
      }
      bill.status = 'CANCELLED';
      bill.updatedAt = now;
      return bill;
    });
    this.byId.clear(id).prime(id, bill);
    return bill;
  }

  /** A user's bills, soonest due first: the user themself or an ADMIN. */
  async listFor(ownerId: string, status: string | null | undefined): Promise<Bill[]> {
    this.#requireSelfOrAdmin(ownerId);
    const only = status ? parseInput(z.enum(BILL_STATUSES), status) : null;
    // The bills with their billers, in one statement: a list of bills shows each one's biller.
    const em = this.#em;
    const rows = await sqlParams<Record<string, unknown>>(
      em,
      `select ${columnsOf(em, Bill, 'b', 'bill.')}, ${columnsOf(em, Biller, 'r', 'biller.')}
         from bills b left join billers r on r.id = b.biller_id
        where b.owner_id = ?${only ? ' and b.status = ?' : ''} order by b.due_date, b.created_at`,
      only ? [ownerId, only] : [ownerId],
    );
    return rows.map((row) => {
      if (row['biller.id'] !== null) {
        const biller = entityOf(em, Biller, row, 'biller.');
        this.#billers.byId.prime(biller.id, biller);
      }
      return entityOf(em, Bill, row, 'bill.');
    });
  }

  /** Bills still to pay due within `days` days (overdue ones included), soonest first. */
  async upcoming(ownerId: string, days: number | null | undefined): Promise<Bill[]> {
    this.#requireSelfOrAdmin(ownerId);
    const span = days ?? 30;
    if (!Number.isInteger(span) || span < 0 || span > 366) {
      throw new BadUserInputError('"days" must be a whole number from 0 to 366.', 'days');
    }
    return this.#em.find(
      Bill,
      { ownerId, status: { $in: ['DUE', 'SCHEDULED', 'OVERDUE'] }, dueDate: { $lte: addDays(today(), span) } },
      { orderBy: { dueDate: 'asc', createdAt: 'asc' } },
    );
  }

  #requireSelfOrAdmin(ownerId: string): void {
    const caller = requireUser(this.#caller);
    if (caller.userId !== ownerId && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('You can only see your own bills.');
    }
  }
}
