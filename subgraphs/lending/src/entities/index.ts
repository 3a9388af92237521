import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { LendingProfileSchema } from './lending-profile.ts';
import { ApplicationTransitionSchema, LoanApplicationSchema } from './loan-application.ts';
import { LoanDocumentSchema } from './loan-document.ts';
import { LoanInstallmentSchema, LoanRepaymentSchema, LoanSchema } from './loan.ts';

export * from './lending-profile.ts';
export * from './loan-application.ts';
export * from './loan-document.ts';
export * from './loan.ts';

/** Every entity of the lending database. */
export const entities = [
  LendingProfileSchema,
  LoanApplicationSchema,
  ApplicationTransitionSchema,
  LoanDocumentSchema,
  LoanSchema,
  LoanInstallmentSchema,
  LoanRepaymentSchema,
  OutboxEventSchema,
];
