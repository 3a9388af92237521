import type { UserResolvers } from '../generated/resolvers.ts';

export const User: UserResolvers = {
  // Banking knows users only by id; identity owns everything else about them.
  __resolveReference: ({ id }) => ({ id }),
  accounts: ({ id }, _args, { services }) => services.accounts.listForOwner(id),
  spendingSummary: ({ id }, { from, to }, { services }) => services.history.spending(id, from, to),
};
