import { defineEntity, p } from '@mikro-orm/core';

export const BILL_STATUSES = ['DUE', 'SCHEDULED', 'PAID', 'OVERDUE', 'CANCELLED'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

/**
 * A bill a user owes. `paid` is the sum of the payments applied to it (in
 * the transaction that applies each one, under this row's lock), so it never
 * exceeds `amount`. `status` is kept by bills.ts from the amounts, the
 * schedules and the date. `dueNoticeAt` and `paidNoticeAt` mark the "due
 * in 3 days" and "paid" events as written (once per bill).
 */
export const BillSchema = defineEntity({
  name: 'Bill',
  tableName: 'bills',
  indexes: [{ properties: ['ownerId', 'dueDate'] }, { properties: ['status', 'dueDate'] }],
  checks: [{ name: 'bills_paid_in_range', expression: 'amount > 0 and paid >= 0 and paid <= amount' }],
  properties: {
    id: p.uuid().primary(),
    ownerId: p.uuid(),
    billerId: p.uuid(),
    customerReference: p.string().length(100),
    amount: p.bigint(),
    currency: p.string().length(3),
    paid: p.bigint(),
    dueDate: p.string().columnType('date'),
    status: p.enum(BILL_STATUSES),
    /** Who registered it: the owner (addBill) or an ADMIN (issueBill). */
    issuedBy: p.uuid(),
    dueNoticeAt: p.datetime().nullable(),
    paidNoticeAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export class Bill extends BillSchema.class {}
BillSchema.setClass(Bill);
