/**
 * Messages: sending (exactly once per client message id), scroll-back pages,
 * who has read what, and messages by reference. A message is visible to the
 * participants of its conversation only.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type DataLoader from 'dataloader';
import { rowLoader } from '../../../../platform/loaders.ts';
import { z } from 'zod';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import { BankError, ErrorCode, NotFoundError } from '../../../../platform/errors.ts';
import type { EventBus } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import { decodeCursor, encodeCursor } from '../../../../platform/pagination.ts';
import { isUuid, parseInput } from '../../../../platform/validation.ts';
import { Conversation, Message, Participant } from '../entities/index.ts';
import { lastSize, sendMessageInput } from './chat-input.ts';
import type { Conversations } from './conversations.ts';
import { publishLive } from '../../../../platform/subscriptions.ts';
import { messageAddedTopic, type MessageAddedEvent } from './live.ts';

const CURSOR = z.tuple([z.number().int().positive()]);

/** A scroll-back page: oldest first, `startCursor` continues backwards. */
export interface MessagePage {
  edges: { cursor: string; node: Message }[];
  pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
}

/**
 * Writes a message in `em`'s transaction, with its `messaging.message.sent`
 * event, and moves the conversation's last message and the sender's read
 * marker to it (sending a message reads the conversation up to it, as in most
 * chat apps). The caller holds the conversation's row lock (or created it).
 */
export async function appendMessage(
  em: EntityManager,
  options: {
    conversation: Conversation;
    participants: readonly Participant[];
    senderId: string;
    body: string;
    clientMessageId: string | null;
  },
): Promise<Message> {
  const { conversation, participants, senderId } = options;
  const message = em.create(Message, {
    id: randomUUID(),
    conversationId: conversation.id,
    senderId,
    body: options.body,
    clientMessageId: options.clientMessageId,
    sentAt: new Date(),
  });
  recordEvent(em, 'messaging.message.sent', {
    messageId: message.id,
    conversationId: conversation.id,
    senderId,
    recipientIds: participants.filter((p) => p.userId !== senderId).map((p) => p.userId),
    sentAt: message.sentAt.toISOString(),
  });
  await em.flush();
  conversation.lastMessageSeq = message.seq;
  conversation.lastMessageAt = message.sentAt;
  const sender = participants.find((p) => p.userId === senderId);
  if (sender && sender.lastReadSeq < message.seq) sender.lastReadSeq = message.seq;
  await em.flush();
  return message;
}

/** Announces a committed message to the live subscribers of its conversation. */
export async function publishMessageAdded(bus: EventBus, logger: Logger, message: Message): Promise<void> {
  const event: MessageAddedEvent = { messageId: message.id, conversationId: message.conversationId };
  await publishLive(bus, logger, messageAddedTopic(message.conversationId), event);
}

export class Messages {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #conversations: Conversations;
  readonly #byId: DataLoader<string, Message | null>;

  constructor(em: EntityManager, caller: Caller, bus: EventBus, logger: Logger, conversations: Conversations) {
    this.#em = em;
    this.#caller = caller;
    this.#bus = bus;
    this.#logger = logger;
    this.#conversations = conversations;
    this.#byId = rowLoader(this.#em, Message, 'id');
  }

  /** The message if the caller takes part in its conversation; null otherwise. */
  async find(id: string): Promise<Message | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const message = await this.#byId.load(id);
    return message && (await this.#conversations.isParticipant(message.conversationId)) ? message : null;
  }

  /** The newest message of a conversation the caller may see. */
  async last(conversation: Conversation): Promise<Message> {
    const message = await this.#conversations.messagesBySeq.load(conversation.lastMessageSeq);
    if (!message) throw new Error(`conversation ${conversation.id} has no last message`);
    return message;
  }

  /**
   * Sends a message to a conversation the caller takes part in. With a
   * `clientMessageId` already used by the caller in this conversation, returns
   * the first message and writes nothing (a resend), or refuses a different
   * body (IDEMPOTENCY_KEY_REUSED). Subscribers hear of it after it commits.
   */
  async send(input: unknown): Promise<Message> {
    const caller = requireUser(this.#caller);
    const data = parseInput(sendMessageInput, input);
    const clientMessageId = data.clientMessageId ?? null;
    const { message, created } = await this.#em.transactional(async (em) => {
      // One writer per conversation at a time: messages commit in `seq` order, and a
      // concurrent resend waits here, then finds the first message.
      const conversation = await em.findOne(
        Conversation,
        { id: data.conversationId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      const participants = conversation
        ? await em.find(Participant, { conversationId: conversation.id }, { refresh: true })
        : [];
      if (!conversation || !participants.some((p) => p.userId === caller.userId)) {
        throw new NotFoundError('Conversation', { field: 'conversationId' });
      }
      if (clientMessageId !== null) {
        const first = await em.findOne(Message, {
          conversationId: conversation.id,
          senderId: caller.userId,
          clientMessageId,
        });
        if (first) {
          if (first.body !== data.body) {
            throw new BankError(
              ErrorCode.IDEMPOTENCY_KEY_REUSED,
              'This clientMessageId was already used for a different message.',
              { field: 'clientMessageId' },
            );
          }
          return { message: first, created: false };
        }
      }
      const message = await appendMessage(em, {
        conversation,
        participants,
        senderId: caller.userId,
        body: data.body,
        clientMessageId,
      });
      return { message, created: true };
    });
    this.#conversations.byId.clear(message.conversationId);
    this.#conversations.participantsOf.clear(message.conversationId);
    if (created) await publishMessageAdded(this.#bus, this.#logger, message);
    return message;
  }

  /** A page of a conversation's messages before `before` (or the newest), oldest first. */
  async page(conversation: Conversation, args: { last?: number | null; before?: string | null }): Promise<MessagePage> {
    const limit = lastSize(args.last);
    const before = args.before ? decodeCursor(args.before, CURSOR, 'before')[0] : null;
    const rows = await this.#em.find(
      Message,
      { conversationId: conversation.id, ...(before !== null ? { seq: { $lt: before } } : {}) },
      { orderBy: { seq: 'desc' }, limit: limit + 1 },
    );
    const page = rows.slice(0, limit).reverse();
    for (const m of page) this.#byId.prime(m.id, m);
    const edges = page.map((node) => ({ cursor: encodeCursor([node.seq]), node }));
    return { edges, pageInfo: { hasPreviousPage: rows.length > limit, startCursor: edges[0]?.cursor ?? null } };
  }

  /** The participants other than the sender who have read the message. */
  async readBy(message: Message): Promise<string[]> {
    const participants = await this.#conversations.participantsOf.load(message.conversationId);
    return participants
      .filter((p) => p.userId !== message.senderId && p.lastReadSeq >= message.seq)
      .map((p) => p.userId);
  }
}
