import { defineEntity, p } from '@mikro-orm/core';

/**
 * A message of a conversation. The body is stored exactly as sent, never
 * trimmed nor interpreted. A sender's `clientMessageId` is unique in a
 * conversation, so a resend finds the first message instead of writing a
 * second one (Postgres lets several rows have no id).
 */
export const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'messages',
  indexes: [{ properties: ['conversationId', 'seq'] }],
  uniques: [{ properties: ['conversationId', 'senderId', 'clientMessageId'] }],
  properties: {
    id: p.uuid().primary(),
    /** Sending order, over all conversations: pages and read markers are keyed on it. */
    seq: p.bigint('number').autoincrement().unique(),
    conversationId: p.uuid(),
    senderId: p.uuid(),
    body: p.text(),
    clientMessageId: p.string().length(100).nullable(),
    sentAt: p.datetime(),
  },
});

export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);
