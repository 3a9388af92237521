import type { QueryResolvers } from '../generated/resolvers.ts';

export const Query: QueryResolvers = {
  conversation: (_parent, { id }, { services }) => services.conversations.get(id),
};
