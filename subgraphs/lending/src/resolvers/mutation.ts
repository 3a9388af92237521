import type { MutationResolvers } from '../generated/resolvers.ts';

export const Mutation: MutationResolvers = {
  updateLendingProfile: (_root, { input }, { services }) => services.profiles.update(input),
  submitLoanApplication: (_root, { input }, { services }) => services.applications.submit(input),
  startCommercialReview: (_root, { applicationId }, { services }) =>
    services.applications.startCommercialReview(applicationId),
  recordCommercialReview: (_root, { input }, { services }) => services.applications.recordCommercialReview(input),
  recordRiskDecision: (_root, { input }, { services }) => services.applications.recordRiskDecision(input),
  withdrawLoanApplication: (_root, { applicationId, reason }, { services }) =>
    services.applications.withdraw(applicationId, reason),
  acceptLoanOffer: (_root, { input }, { services }) => services.loans.accept(input),
  repayLoan: (_root, { input }, { services }) => services.loans.repay(input),
};
