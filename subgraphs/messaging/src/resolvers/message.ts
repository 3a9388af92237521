import type { MessageResolvers } from '../generated/resolvers.ts';

export const Message: MessageResolvers = {
  // Null for anyone but the participants of its conversation.
  __resolveReference: ({ id }, { services }) => services.messages.find(id),
  conversation: (message, _args, { services }) => services.conversations.ofMessage(message.conversationId),
  sender: (message) => ({ id: message.senderId }),
  readBy: async (message, _args, { services }) => (await services.messages.readBy(message)).map((id) => ({ id })),
  clientMessageId: (message) => message.clientMessageId ?? null,
};
