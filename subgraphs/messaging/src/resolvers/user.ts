import type { UserResolvers } from '../generated/resolvers.ts';

export const User: UserResolvers = {
  // Messaging knows users only by id; identity owns everything else about them.
  __resolveReference: ({ id }) => ({ id }),
  conversations: ({ id }, args, { services }) => services.conversations.listFor(id, args),
  notifications: ({ id }, args, { services }) => services.notifications.listFor(id, args),
};
