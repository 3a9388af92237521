import { defineEntity, p } from '@mikro-orm/core';

/** The role a conversation was started in. */
export type StartedAs = 'BUSINESS_OWNER' | 'BANKER';

/**
 * A chat between a business owner and a banker. Its participants are rows of
 * `conversation_participants`; `lastMessageSeq` (the `seq` of its newest
 * message) orders a user's conversations and is kept in the same database
 * transaction that writes the message, under a lock of this row.
 */
export const ConversationSchema = defineEntity({
  name: 'Conversation',
  tableName: 'conversations',
  properties: {
    id: p.uuid().primary(),
    subject: p.string().length(200),
    /** Who started it. */
    startedBy: p.uuid(),
    /** The starter's role when they started it (BUSINESS_OWNER or BANKER). */
    startedAs: p.string().length(20).$type<StartedAs>(),
    /** A loan application of the lending subgraph, if the chat is about one. */
    loanApplicationId: p.uuid().nullable(),
    createdAt: p.datetime(),
    lastMessageSeq: p.bigint('number').index(),
    lastMessageAt: p.datetime(),
  },
});

export class Conversation extends ConversationSchema.class {}
ConversationSchema.setClass(Conversation);
