import { defineEntity, p } from '@mikro-orm/core';

export const TRANSACTION_CATEGORIES = [
  'INCOME',
  'TRANSFER',
  'GROCERIES',
  'DINING',
  'HOUSING',
  'UTILITIES',
  'TRANSPORT',
  'SHOPPING',
  'HEALTH',
  'ENTERTAINMENT',
  'TRAVEL',
  'BILLS',
  'LOANS',
  'CASH',
  'FEES',
  'OTHER',
] as const;
export type TransactionCategory = (typeof TRANSACTION_CATEGORIES)[number];

/**
 * One side of a posted transaction: the signed change of one account's
 * balance (negative out, positive in). Entries are append-only; an account's
 * balance always equals the sum of its entries. Category and tags belong to
 * the side, so each owner labels their own view of a transfer.
 */
export const LedgerEntrySchema = defineEntity({
  name: 'LedgerEntry',
  tableName: 'entries',
  indexes: [{ properties: ['accountId', 'postedAt'] }, { properties: ['accountId', 'seq'] }],
  uniques: [{ properties: ['transactionId', 'accountId'] }],
  checks: [{ name: 'entries_amount_not_zero', expression: 'amount <> 0' }],
  properties: {
    seq: p.bigint('number').autoincrement().primary(),
    transactionId: p.uuid().index(),
    accountId: p.uuid(),
    /** Minor units, signed. */
    amount: p.bigint(),
    currency: p.string().length(3),
    category: p.enum(TRANSACTION_CATEGORIES),
    tags: p.array().default([]),
    postedAt: p.datetime(),
  },
});

export class LedgerEntry extends LedgerEntrySchema.class {}
LedgerEntrySchema.setClass(LedgerEntry);
