import type { UserResolvers } from '../generated/resolvers.ts';

export const User: UserResolvers = {
  // The assistant knows users only by id; identity owns everything else about them.
  __resolveReference: ({ id }) => ({ id }),
  assistantSessions: ({ id }, args, { services }) => services.sessions.listFor(id, args),
};
