import { scalarResolvers } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { LendingProfile } from './lending-profile.ts';
import { Installment, Loan, LoanQuote, LoanRepayment } from './loan.ts';
import { LoanApplication, LoanApplicationTransition, LoanDocumentContent } from './loan-application.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  User,
  LendingProfile,
  LoanApplication,
  LoanApplicationTransition,
  LoanDocumentContent,
  Loan,
  Installment,
  LoanRepayment,
  LoanQuote,
};
