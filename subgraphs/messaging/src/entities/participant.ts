import { defineEntity, p } from '@mikro-orm/core';

/**
 * A user taking part in a conversation, with how far they have read it: every
 * message whose `seq` is at most `lastReadSeq` is read by them.
 */
export const ParticipantSchema = defineEntity({
  name: 'Participant',
  tableName: 'conversation_participants',
  properties: {
    conversationId: p.uuid().primary(),
    userId: p.uuid().primary().index(),
    joinedAt: p.datetime(),
    /** `seq` of the newest message the user has read; 0 before any. */
    lastReadSeq: p.bigint('number').default(0),
  },
});

export class Participant extends ParticipantSchema.class {}
ParticipantSchema.setClass(Participant);
