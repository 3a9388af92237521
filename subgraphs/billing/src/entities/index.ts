import { SecurityChangeSchema } from '../../../../platform/step-up.ts';
import { KnownUserSchema } from '../../../../platform/known-users.ts';
import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { BillPaymentSchema } from './bill-payment.ts';
import { BillSchema } from './bill.ts';
import { BillerSchema } from './biller.ts';
import { ScheduledPaymentSchema } from './scheduled-payment.ts';

export * from './bill-payment.ts';
export * from './bill.ts';
export * from './biller.ts';
export * from './scheduled-payment.ts';

/** Every entity of the billing database. */
export const entities = [
  BillerSchema,
  BillSchema,
  BillPaymentSchema,
  ScheduledPaymentSchema,
  OutboxEventSchema,
  KnownUserSchema,
  SecurityChangeSchema,
];
