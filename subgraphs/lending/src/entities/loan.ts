import { defineEntity, p } from '@mikro-orm/core';

export const LOAN_STATUSES = ['DISBURSING', 'ACTIVE', 'PAID_OFF'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];
export const REPAYMENT_METHODS = ['ANNUITY', 'EQUAL_PRINCIPAL'] as const;
export type RepaymentMethodName = (typeof REPAYMENT_METHODS)[number];

/**
 * A loan made from an accepted offer (one per application). `acceptKey` and
 * `acceptHash` make `acceptLoanOffer` idempotent; `disbursementHoldId` is
 * the banking hold of the payout saga once it exists (see disbursement.ts).
 */
export const LoanSchema = defineEntity({
  name: 'Loan',
  tableName: 'loans',
  checks: [{ name: 'loans_principal_positive', expression: 'principal > 0' }],
  indexes: [{ properties: ['borrowerId', 'createdAt'] }, { properties: ['status', 'updatedAt'] }],
  properties: {
    id: p.uuid().primary(),
    applicationId: p.uuid().unique(),
    borrowerId: p.uuid(),
    principal: p.bigint(),
    currency: p.string().length(3),
    /** Ten-thousandths of a percent. */
    annualRatePpm: p.integer(),
    termMonths: p.integer(),
    method: p.enum(REPAYMENT_METHODS),
    status: p.enum(LOAN_STATUSES),
    disbursementAccountId: p.uuid(),
    disbursementHoldId: p.uuid().nullable(),
    disbursementTransactionId: p.uuid().nullable(),
    acceptKey: p.string().length(100),
    acceptHash: p.string().length(64),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    disbursedAt: p.datetime().nullable(),
  },
});

export class Loan extends LoanSchema.class {}
LoanSchema.setClass(Loan);

/** One installment of a loan's schedule, with what has been paid against it. */
export const LoanInstallmentSchema = defineEntity({
  name: 'LoanInstallment',
  tableName: 'loan_installments',
  checks: [
    // Nothing is ever paid beyond what an installment asks.
    {
      name: 'loan_installments_paid_in_range',
      expression: 'paid_principal between 0 and principal and paid_interest between 0 and interest',
    },
  ],
  properties: {
    loanId: p.uuid().primary(),
    number: p.integer().primary(),
    dueDate: p.string().columnType('date'),
    principal: p.bigint(),
    interest: p.bigint(),
    remaining: p.bigint(),
    paidPrincipal: p.bigint(),
    paidInterest: p.bigint(),
  },
});

export class LoanInstallment extends LoanInstallmentSchema.class {}
LoanInstallmentSchema.setClass(LoanInstallment);

export const REPAYMENT_STATUSES = ['PENDING', 'COMPLETED', 'FAILED'] as const;
export type RepaymentStatus = (typeof REPAYMENT_STATUSES)[number];

/**
 * A repayment and its saga: PENDING while money moves; `appliedAt` set once
 * it has been applied to the installments (in the same transaction);
 * COMPLETED once banking has posted the hold; FAILED when nothing moved.
 * Unique per borrower and idempotency key.
 */
export const LoanRepaymentSchema = defineEntity({
  name: 'LoanRepayment',
  tableName: 'loan_repayments',
  checks: [
    { name: 'loan_repayments_amount_positive', expression: 'amount > 0' },
    { name: 'loan_repayments_split', expression: 'applied_at is null or interest + principal = amount' },
  ],
  uniques: [{ properties: ['payerId', 'idempotencyKey'] }],
  indexes: [{ properties: ['loanId', 'createdAt'] }, { properties: ['status', 'updatedAt'] }],
  properties: {
    id: p.uuid().primary(),
    loanId: p.uuid(),
    payerId: p.uuid(),
    fromAccountId: p.uuid(),
    amount: p.bigint(),
    currency: p.string().length(3),
    interest: p.bigint(),
    principal: p.bigint(),
    status: p.enum(REPAYMENT_STATUSES),
    failureCode: p.string().length(60).nullable(),
    failureReason: p.text().nullable(),
    holdId: p.uuid().nullable(),
    idempotencyKey: p.string().length(100),
    requestHash: p.string().length(64),
    appliedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export class LoanRepayment extends LoanRepaymentSchema.class {}
LoanRepaymentSchema.setClass(LoanRepayment);
