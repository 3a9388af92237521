import { defineEntity, p } from '@mikro-orm/core';

export const ACTION_KINDS = ['TRANSFER', 'PAY_BILL'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * A money movement the assistant proposed: exactly what will be sent to
 * banking's `transfer` or billing's `payBill` (amount in minor units,
 * accounts, bill), for whom, in which session, until when. Nothing moves
 * until its owner confirms it; the confirmation's key is kept so that a
 * retry returns the first result and any other confirmation is refused.
 */
export const AssistantActionSchema = defineEntity({
  name: 'AssistantAction',
  tableName: 'assistant_actions',
  indexes: [{ properties: ['userId', 'status'] }, { properties: ['sessionId'] }],
  properties: {
    id: p.uuid().primary(),
    sessionId: p.uuid(),
    userId: p.uuid(),
    kind: p.enum(ACTION_KINDS),
    status: p.enum(ACTION_STATUSES),
    amount: p.bigint(),
    currency: p.string().length(3),
    fromAccountId: p.uuid(),
    toAccountId: p.uuid().nullable(),
    /** The destination is one of the owner's accounts; another customer's is shown by its id only. */
    toOwnAccount: p.boolean().default(false),
    billId: p.uuid().nullable(),
    summary: p.text(),
    expiresAt: p.datetime(),
    createdAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
    /** The owner's idempotency key of the confirmation that decided it. */
    confirmationKey: p.string().length(100).nullable(),
    transactionId: p.uuid().nullable(),
    billPaymentId: p.uuid().nullable(),
    failureCode: p.string().length(40).nullable(),
    /** The turn that told the customer the outcome (returned again to a retried confirmation). */
    outcomeTurnId: p.uuid().nullable(),
  },
});

export class AssistantAction extends AssistantActionSchema.class {}
AssistantActionSchema.setClass(AssistantAction);
