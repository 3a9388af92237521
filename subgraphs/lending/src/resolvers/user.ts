import type { UserResolvers } from '../generated/resolvers.ts';

export const User: UserResolvers = {
  // Lending knows users only by id; identity owns everything else about them.
  __resolveReference: ({ id }) => ({ id }),
  lendingProfile: ({ id }, _args, { services }) => services.profiles.of(id),
  loanApplications: ({ id }, args, { services }) => services.applications.listForApplicant(id, args),
  loans: ({ id }, _args, { services }) => services.loans.listForBorrower(id),
};
