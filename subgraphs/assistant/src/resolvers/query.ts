import type { QueryResolvers } from '../generated/resolvers.ts';
import { assistantPersonalData } from '../services/data-rights.ts';

export const Query: QueryResolvers = {
  assistantSession: (_parent, { id }, { services }) => services.sessions.find(id),
  assistantPersonalData: async (_parent, { userId }, { em, caller }) =>
    JSON.stringify(await assistantPersonalData(em, caller, userId)),
};
