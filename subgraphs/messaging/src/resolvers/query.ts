import type { QueryResolvers } from '../generated/resolvers.ts';
import { messagingPersonalData } from '../services/data-rights.ts';

export const Query: QueryResolvers = {
  conversation: (_parent, { id }, { services }) => services.conversations.get(id),
  messagingPersonalData: async (_parent, { userId }, { em, caller }) =>
    JSON.stringify(await messagingPersonalData(em, caller, userId)),
};
