import { defineEntity, p } from '@mikro-orm/core';

/** A card of a turn as stored: references to the owners' objects (ids) and the spending lines. */
export interface StoredCard {
  kind: 'ACCOUNTS' | 'TRANSACTIONS' | 'SPENDING' | 'BILLS' | 'LOANS';
  title: string;
  accountIds?: string[];
  transactionIds?: string[];
  billIds?: string[];
  loanApplicationIds?: string[];
  loanIds?: string[];
  spending?: { category: string; currency: string; total: string; previousTotal: string; count: number }[];
}

/**
 * One exchange of a session: the customer's words (null when the turn was
 * made by confirming or cancelling an action), the assistant's reply, what
 * it understood, and its cards. A customer's `clientMessageId` is unique, so
 * a resend finds the first turn instead of answering twice.
 */
export const AssistantTurnSchema = defineEntity({
  name: 'AssistantTurn',
  tableName: 'assistant_turns',
  indexes: [{ properties: ['sessionId', 'seq'] }],
  uniques: [{ properties: ['userId', 'clientMessageId'] }],
  properties: {
    id: p.uuid().primary(),
    /** Order of turns, over all sessions: pages are keyed on it. */
    seq: p.bigint('number').autoincrement().unique(),
    sessionId: p.uuid(),
    userId: p.uuid(),
    text: p.text().nullable(),
    reply: p.text(),
    intent: p.string().length(40),
    confidence: p.double(),
    clarifying: p.boolean().default(false),
    cards: p.json<StoredCard[]>(),
    suggestions: p.json<string[]>(),
    /** The action this turn proposed or decided. */
    actionId: p.uuid().nullable(),
    clientMessageId: p.string().length(100).nullable(),
    /** What the message meant (session and text, hashed): a resend of its id must mean the same. */
    requestHash: p.string().length(64).nullable(),
    createdAt: p.datetime(),
  },
});

export class AssistantTurn extends AssistantTurnSchema.class {}
AssistantTurnSchema.setClass(AssistantTurn);
