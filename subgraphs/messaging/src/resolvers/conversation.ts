import type { ConversationResolvers } from '../generated/resolvers.ts';

export const Conversation: ConversationResolvers = {
  // Null for anyone but its participants: the router gets no data, and no hint that it exists.
  __resolveReference: ({ id }, { services }) => services.conversations.find(id),
  participants: async (conversation, _args, { services }) =>
    (await services.conversations.participantIds(conversation)).map((id) => ({ id })),
  lastMessage: (conversation, _args, { services }) => services.messages.last(conversation),
  unreadCount: (conversation, _args, { services }) => services.conversations.unreadCount(conversation),
  loanApplicationId: (conversation) => conversation.loanApplicationId ?? null,
  loanApplication: (conversation) => (conversation.loanApplicationId ? { id: conversation.loanApplicationId } : null),
  messages: (conversation, args, { services }) => services.messages.page(conversation, args),
};
