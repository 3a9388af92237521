import { defineEntity, p } from '@mikro-orm/core';

export const ACCOUNT_TYPES = ['CHECKING', 'SAVINGS', 'BUSINESS', 'SYSTEM'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export const ACCOUNT_STATUSES = ['ACTIVE', 'FROZEN', 'CLOSED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * An account of the ledger. `balance` is the sum of the account's posted
 * entries, kept in the same database transaction that writes them; `held` is
 * the sum of its pending holds. Customer accounts never go below zero (a
 * CHECK constraint backs the service's own check); SYSTEM accounts (one per
 * currency and purpose: the cash account through which deposits and
 * withdrawals enter and leave, settlement accounts) carry the other side of
 * money that crosses the bank's boundary and may be negative.
 */
export const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  indexes: [{ properties: ['ownerId', 'openedAt'] }],
  uniques: [{ properties: ['systemPurpose', 'currency'] }],
  checks: [
    { name: 'accounts_no_overdraft', expression: `type = 'SYSTEM' or (balance >= 0 and balance - held >= 0)` },
    { name: 'accounts_held_not_negative', expression: 'held >= 0' },
  ],
  properties: {
    id: p.uuid().primary(),
    /** Null for SYSTEM accounts. */
    ownerId: p.uuid().nullable(),
    type: p.enum(ACCOUNT_TYPES),
    currency: p.string().length(3),
    /** Full account number; only its last four digits ever leave the service. */
    number: p.string().length(16).unique(),
    nickname: p.string().length(60).nullable(),
    status: p.enum(ACCOUNT_STATUSES),
    /** Minor units. */
    balance: p.bigint().default(0),
    /** Minor units reserved by pending holds. */
    held: p.bigint().default(0),
    /** Minor units; null when no alert is set. */
    lowBalanceThreshold: p.bigint().nullable(),
    /** For SYSTEM accounts: what they are for, e.g. CASH. */
    systemPurpose: p.string().length(40).nullable(),
    openedAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Account extends AccountSchema.class {}
AccountSchema.setClass(Account);

/**
 * An account's columns as plain data, not an entity of a unit of work: what
 * a posting reads of the accounts it locks (services/ledger.ts), and what
 * the checks on an account need.
 */
export type AccountData = Pick<
  Account,
  | 'id'
  | 'ownerId'
  | 'type'
  | 'currency'
  | 'number'
  | 'nickname'
  | 'status'
  | 'balance'
  | 'held'
  | 'lowBalanceThreshold'
  | 'systemPurpose'
  | 'openedAt'
>;
