import { defineEntity, p } from '@mikro-orm/core';
import { LOAN_PRODUCTS } from './lending-profile.ts';

export const APPLICATION_STATUSES = [
  'SUBMITTED',
  'COMMERCIAL_REVIEW',
  'RISK_REVIEW',
  'APPROVED',
  'REJECTED',
  'WITHDRAWN',
  'ACCEPTED',
  'DISBURSED',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * A business owner's loan application, assigned to one banker. Rates are
 * kept exactly, in ten-thousandths of a percent (7.25 % is 72500, "ppm"). The
 * commercial review and the risk decision are columns of the application:
 * each is made once.
 */
export const LoanApplicationSchema = defineEntity({
  name: 'LoanApplication',
  tableName: 'loan_applications',
  indexes: [
    { properties: ['bankerId', 'seq'] },
    { properties: ['applicantId', 'seq'] },
    { properties: ['status', 'seq'] },
  ],
  properties: {
    id: p.uuid().primary(),
    /** Submission order: pages are keyed on it. */
    seq: p.bigint('number').autoincrement().unique(),
    applicantId: p.uuid(),
    bankerId: p.uuid(),
    product: p.enum(LOAN_PRODUCTS),
    amount: p.bigint(),
    currency: p.string().length(3),
    termMonths: p.integer(),
    purpose: p.text(),
    status: p.enum(APPLICATION_STATUSES),
    submittedAt: p.datetime(),
    updatedAt: p.datetime(),
    reviewEligible: p.boolean().nullable(),
    reviewNotes: p.text().nullable(),
    /** Ten-thousandths of a percent (parts per million), like every rate here. */
    reviewProposedRatePpm: p.integer().nullable(),
    reviewedBy: p.uuid().nullable(),
    reviewedAt: p.datetime().nullable(),
    decisionApproved: p.boolean().nullable(),
    decisionRatePpm: p.integer().nullable(),
    decisionTermMonths: p.integer().nullable(),
    decisionReason: p.text().nullable(),
    decidedBy: p.uuid().nullable(),
    decidedAt: p.datetime().nullable(),
  },
});

export class LoanApplication extends LoanApplicationSchema.class {}
LoanApplicationSchema.setClass(LoanApplication);

/** One status change of an application: part of its history, never changed. */
export const ApplicationTransitionSchema = defineEntity({
  name: 'ApplicationTransition',
  tableName: 'loan_application_transitions',
  indexes: [{ properties: ['applicationId', 'seq'] }],
  properties: {
    seq: p.bigint('number').autoincrement().primary(),
    applicationId: p.uuid(),
    fromStatus: p.enum(APPLICATION_STATUSES).nullable(),
    toStatus: p.enum(APPLICATION_STATUSES),
    /** Null when the bank's systems made the change (a failed payout undone). */
    actorId: p.uuid().nullable(),
    at: p.datetime(),
    note: p.text().nullable(),
  },
});

export class ApplicationTransition extends ApplicationTransitionSchema.class {}
ApplicationTransitionSchema.setClass(ApplicationTransition);
