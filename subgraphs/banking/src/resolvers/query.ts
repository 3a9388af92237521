import type { QueryResolvers } from '../generated/resolvers.ts';

export const Query: QueryResolvers = {
  account: (_parent, { id }, { services }) => services.accounts.get(id),
  transaction: (_parent, { id }, { services }) => services.history.transaction(id),
  bankingPersonalData: async (_parent, { userId }, { services }) =>
    JSON.stringify(await services.dataRights.personalData(userId)),
  bankingErasureBlockers: async (_parent, { userId }, { services }) =>
    JSON.stringify(await services.dataRights.erasureBlockers(userId)),
};
