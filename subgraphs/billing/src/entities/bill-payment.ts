import { defineEntity, p } from '@mikro-orm/core';

export const PAYMENT_STATUSES = ['PENDING', 'COMPLETED', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * A payment of a bill and its saga (platform/hold-saga.ts): PENDING while
 * money moves; `appliedAt` once it counts on the bill; COMPLETED once banking
 * posted its hold; FAILED when nothing moved. A client's payment is unique
 * per payer and idempotency key; a scheduled one has no key (it is unique
 * per schedule), so no client key can collide with the scheduler's.
 */
export const BillPaymentSchema = defineEntity({
  name: 'BillPayment',
  tableName: 'bill_payments',
  uniques: [{ properties: ['payerId', 'idempotencyKey'] }],
  indexes: [
    { properties: ['payerId', 'seq'] },
    { properties: ['billId', 'seq'] },
    { properties: ['status', 'updatedAt'] },
  ],
  checks: [{ name: 'bill_payments_amount_positive', expression: 'amount > 0' }],
  properties: {
    id: p.uuid().primary(),
    /** Creation order: pages are keyed on it. */
    seq: p.bigint('number').autoincrement().unique(),
    billId: p.uuid(),
    payerId: p.uuid(),
    fromAccountId: p.uuid(),
    amount: p.bigint(),
    currency: p.string().length(3),
    status: p.enum(PAYMENT_STATUSES),
    holdId: p.uuid().nullable(),
    appliedAt: p.datetime().nullable(),
    failureCode: p.string().length(60).nullable(),
    failureReason: p.text().nullable(),
    idempotencyKey: p.string().length(100).nullable(),
    requestHash: p.string().length(64).nullable(),
    scheduledPaymentId: p.uuid().nullable().unique(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    settledAt: p.datetime().nullable(),
  },
});

export class BillPayment extends BillPaymentSchema.class {}
BillPaymentSchema.setClass(BillPayment);
