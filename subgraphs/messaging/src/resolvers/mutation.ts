import type { MutationResolvers } from '../generated/resolvers.ts';

export const Mutation: MutationResolvers = {
  startConversation: (_parent, { input }, { services }) => services.conversations.start(input),
  sendMessage: (_parent, { input }, { services }) => services.messages.send(input),
  markConversationRead: (_parent, { conversationId }, { services }) => services.conversations.markRead(conversationId),
  markNotificationsRead: (_parent, { ids }, { services }) => services.notifications.markRead(ids),
};
