/**
 * Billing's part of the customer's data rights (platform/data-rights.ts):
 * the export section (bills, bill payments, scheduled payments), and the
 * anonymization after an erasure: the customer's reference at each biller
 * (often an account number there) is replaced, scheduled payments are
 * cancelled, and bills still open with nothing being paid are cancelled.
 * Payments stay (they are the record of money that moved through the
 * ledger), with their amounts and times.
 */
import { requireService, type Caller } from '../../../../platform/caller.ts';
import { ERASED_TEXT, forgetKnownUser, iso, type DataSection } from '../../../../platform/data-rights.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import { sql, type EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';

const amount = (minor: string, currency: string): string => fromMinorUnits(BigInt(minor), currency as Currency);

/** Identity only: everything billing holds about `userId`. */
export async function billingPersonalData(em: EntityManager, caller: Caller, rawUserId: string): Promise<DataSection> {
  requireService(caller, 'identity');
  const userId = parseId(rawUserId, 'userId');
  const bills = await sql<Record<string, string> & { created_at: Date; biller: string }>(
    em,
    `select b.id, r.name as biller, b.customer_reference, b.amount::text as amount, b.paid::text as paid, b.currency,
            b.due_date::text as due_date, b.status, b.created_at
       from bills b join billers r on r.id = b.biller_id where b.owner_id = ? order by b.created_at, b.id`,
    [userId],
  );
  const payments = await sql<Record<string, string | null> & { created_at: Date; settled_at: Date | null }>(
    em,
    `select id, bill_id, from_account_id, amount::text as amount, currency, status, failure_code, failure_reason,
            scheduled_payment_id, created_at, settled_at
       from bill_payments where payer_id = ? order by seq`,
    [userId],
  );
  const schedules = await sql<Record<string, string | null> & { created_at: Date }>(
    em,
    `select id, bill_id, from_account_id, pay_on::text as pay_on, status, payment_id, created_at
       from scheduled_payments where owner_id = ? order by created_at, id`,
    [userId],
  );
  return {
    counts: { bills: bills.length, payments: payments.length, scheduledPayments: schedules.length },
    data: {
      bills: bills.map((b) => ({
        id: b.id,
        biller: b.biller,
        customerReference: b.customer_reference,
        amount: amount(b.amount!, b.currency!),
        paid: amount(b.paid!, b.currency!),
        currency: b.currency,
        dueDate: b.due_date,
        status: b.status,
        createdAt: iso(b.created_at),
      })),
      payments: payments.map((p) => ({
        id: p.id,
        billId: p.bill_id,
        fromAccountId: p.from_account_id,
        amount: amount(p.amount!, p.currency!),
        currency: p.currency,
        status: p.status,
        failureCode: p.failure_code,
        failureReason: p.failure_reason,
        scheduledPaymentId: p.scheduled_payment_id,
        createdAt: iso(p.created_at),
        settledAt: iso(p.settled_at),
      })),
      scheduledPayments: schedules.map((s) => ({
        id: s.id,
        billId: s.bill_id,
        fromAccountId: s.from_account_id,
        payOn: s.pay_on,
        status: s.status,
        paymentId: s.payment_id,
        createdAt: iso(s.created_at),
      })),
    },
  };
}

/** Anonymizes `userId`'s billing data (consumer group `billing-erasure`); idempotent. */
export async function eraseBillingData(em: EntityManager, userId: string): Promise<void> {
  await forgetKnownUser(em, userId);
  await sql(
    em,
    `update scheduled_payments set status = 'CANCELLED', updated_at = now() where owner_id = ? and status = 'SCHEDULED'`,
    [userId],
  );
  // Open bills on which nothing was paid nor is being paid are cancelled (as `cancelBill` would).
  await sql(
    em,
    `update bills b set status = 'CANCELLED', updated_at = now()
      where b.owner_id = ? and b.status in ('DUE', 'SCHEDULED', 'OVERDUE') and b.paid = 0
        and not exists (select 1 from bill_payments p where p.bill_id = b.id and p.status = 'PENDING')`,
    [userId],
  );
  await sql(
    em,
    `update bills set customer_reference = ?, updated_at = now() where owner_id = ? and customer_reference <> ?`,
    [ERASED_TEXT, userId, ERASED_TEXT],
  );
}

/** Billing's consumer group of identity's erasure events. */
export const ERASURE_CONSUMER_GROUP = 'billing-erasure';
