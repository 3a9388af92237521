import type { MutationResolvers } from '../generated/resolvers.ts';

export const Mutation: MutationResolvers = {
  askAssistant: (_parent, { input }, { services }) => services.assistant.ask(input),
  confirmAssistantAction: (_parent, { actionId, idempotencyKey, stepUpProof }, { services }) =>
    services.assistant.confirm(actionId, idempotencyKey, stepUpProof),
  cancelAssistantAction: (_parent, { actionId }, { services }) => services.assistant.cancel(actionId),
};
