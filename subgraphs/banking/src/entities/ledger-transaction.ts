import { defineEntity, p } from '@mikro-orm/core';

export const TRANSACTION_KINDS = [
  'DEPOSIT',
  'WITHDRAWAL',
  'TRANSFER',
  'BILL_PAYMENT',
  'LOAN_DISBURSEMENT',
  'LOAN_REPAYMENT',
  'REVERSAL',
] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];
export const TRANSACTION_STATUSES = ['PENDING', 'POSTED', 'VOIDED'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/**
 * A movement of money from one account to another. A POSTED transaction has
 * exactly two entries that sum to zero; a PENDING one (a hold) has none yet
 * and reserves its amount on the source account; a VOIDED one never moved.
 */
export const LedgerTransactionSchema = defineEntity({
  name: 'LedgerTransaction',
  tableName: 'transactions',
  indexes: [{ properties: ['fromAccountId', 'seq'] }, { properties: ['toAccountId', 'seq'] }],
  checks: [{ name: 'transactions_amount_positive', expression: 'amount > 0' }],
  properties: {
    id: p.uuid().primary(),
    /** Creation order: history pages are keyed on it. */
    seq: p.bigint('number').autoincrement().unique(),
    kind: p.enum(TRANSACTION_KINDS),
    status: p.enum(TRANSACTION_STATUSES),
    /** Minor units, positive. */
    amount: p.bigint(),
    currency: p.string().length(3),
    fromAccountId: p.uuid(),
    toAccountId: p.uuid(),
    description: p.string().length(200).nullable(),
    /** Who asked for it: a user id, or `service:<name>`. */
    initiatedBy: p.string().length(60),
    createdAt: p.datetime(),
    postedAt: p.datetime().nullable(),
    voidedAt: p.datetime().nullable(),
  },
});

export class LedgerTransaction extends LedgerTransactionSchema.class {}
LedgerTransactionSchema.setClass(LedgerTransaction);
