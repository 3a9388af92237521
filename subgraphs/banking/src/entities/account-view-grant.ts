import { defineEntity, p } from '@mikro-orm/core';

/** The staff roles a grant may name (every member of the role may view). */
export const VIEWER_ROLES = ['RISK_OFFICER'] as const;
export type ViewerRole = (typeof VIEWER_ROLES)[number];

/**
 * Leave for someone other than an account's owner to see where one
 * transaction paid out: the account's identifying fields (masked number,
 * type, currency, status, owner, opening date) and that transaction, never
 * the account's money (balance, history, statements, alert) nor its
 * nickname. Written by banking only when an internal service creates a hold
 * that names viewers (a loan payout: the application's banker and risk
 * officers), in the same database transaction as the hold; never changed.
 * Each row names one grantee: a user, or every member of a role.
 */
export const AccountViewGrantSchema = defineEntity({
  name: 'AccountViewGrant',
  tableName: 'account_view_grants',
  indexes: [{ properties: ['accountId'] }, { properties: ['transactionId'] }],
  checks: [
    {
      name: 'account_view_grants_one_grantee',
      expression: '(grantee_user_id is null) <> (grantee_role is null)',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    /** The customer account that may be viewed. */
    accountId: p.uuid(),
    /** The transaction (the hold) that may be viewed, and the reason the account may. */
    transactionId: p.uuid(),
    granteeUserId: p.uuid().nullable(),
    granteeRole: p.enum(VIEWER_ROLES).nullable(),
    /** Why: the kind of the hold (LOAN_DISBURSEMENT). */
    purpose: p.string().length(40),
    /** What the service says it is for (the loan application's id), for audit. */
    reference: p.string().length(100),
    createdAt: p.datetime(),
  },
});

export class AccountViewGrant extends AccountViewGrantSchema.class {}
AccountViewGrantSchema.setClass(AccountViewGrant);
