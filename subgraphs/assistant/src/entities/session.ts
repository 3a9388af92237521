import { defineEntity, p } from '@mikro-orm/core';

/**
 * A customer's conversation with the assistant. It belongs to one user and
 * is shown to nobody else. A hand-off to a banker records the messaging
 * conversation that carries the transcript.
 */
export const AssistantSessionSchema = defineEntity({
  name: 'AssistantSession',
  tableName: 'assistant_sessions',
  indexes: [{ properties: ['userId', 'lastTurnAt'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    startedAt: p.datetime(),
    lastTurnAt: p.datetime(),
    handedOffConversationId: p.uuid().nullable(),
  },
});

export class AssistantSession extends AssistantSessionSchema.class {}
AssistantSessionSchema.setClass(AssistantSession);
