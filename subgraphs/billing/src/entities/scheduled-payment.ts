import { defineEntity, p } from '@mikro-orm/core';

export const SCHEDULE_STATUSES = ['SCHEDULED', 'EXECUTED', 'CANCELLED'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/**
 * A payment of a bill's remaining amount to be made on `payOn`. The
 * scheduler claims due rows with `FOR UPDATE SKIP LOCKED` and, in the same
 * transaction, marks them EXECUTED and records their payment: each is paid
 * once, whatever the number of billing instances.
 */
export const ScheduledPaymentSchema = defineEntity({
  name: 'ScheduledPayment',
  tableName: 'scheduled_payments',
  indexes: [{ properties: ['status', 'payOn'] }, { properties: ['billId'] }],
  properties: {
    id: p.uuid().primary(),
    billId: p.uuid(),
    ownerId: p.uuid(),
    fromAccountId: p.uuid(),
    payOn: p.string().columnType('date'),
    status: p.enum(SCHEDULE_STATUSES),
    paymentId: p.uuid().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export class ScheduledPayment extends ScheduledPaymentSchema.class {}
ScheduledPaymentSchema.setClass(ScheduledPayment);
