/**
 * Conversations: starting one, who may see it (its participants only, on
 * every path), listing a user's conversations and their unread counts, and
 * read markers.
 *
 * Participants: a business owner starts a chat with a banker, or a banker
 * with a business owner. The caller's role comes from the router-signed
 * caller; the other participant's from what messaging keeps of identity's
 * and lending's events (directory.ts): a business owner talks to any banker,
 * a banker to the business owners they serve (who applied to them).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { columnsOf, entityOf, rowLoader, rowsLoader } from '../../../../platform/loaders.ts';
import { z } from 'zod';
import { hasRole, requireRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../../platform/errors.ts';
import type { EventBus } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { sqlParams, type EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import { Conversation, Message, Participant, type StartedAs } from '../entities/index.ts';
import { startConversationInput } from './chat-input.ts';
import { rolesOf } from '../../../../platform/known-users.ts';
import { applicationBetween, serves } from './directory.ts';
import { appendMessage, publishMessageAdded } from './messages.ts';

const CURSOR = z.tuple([z.number().int().nonnegative()]);

/**
 * The unread count of the participant row `p` (of `conversation_participants`): the messages of the others
 * after the participant's read marker. The loader of single conversations and the list share it.
 */
const UNREAD_COUNT = `(select count(*)::int from messages m
   where m.conversation_id = p.conversation_id and m.seq > p.last_read_seq and m.sender_id <> p.user_id)`;

export class Conversations {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  /** Conversations by id, read once per request. */
  readonly byId: DataLoader<string, Conversation | null>;
  /** Participants by conversation id. */
  readonly participantsOf: DataLoader<string, Participant[]>;
  /** The caller's unread count by conversation id. */
  readonly #unread: DataLoader<string, number>;
  /** Messages by `seq` (a conversation's last message). */
  readonly messagesBySeq: DataLoader<number, Message | null>;

  constructor(em: EntityManager, caller: Caller, bus: EventBus, logger: Logger) {
    this.#em = em;
    this.#caller = caller;
    this.#bus = bus;
    this.#logger = logger;
    this.byId = rowLoader(this.#em, Conversation, 'id');
    this.participantsOf = rowsLoader(this.#em, Participant, 'conversationId', { joinedAt: 'asc', userId: 'asc' });
    this.messagesBySeq = rowLoader(this.#em, Message, 'seq');
    this.#unread = new DataLoader(async (ids) => {
      const viewer = this.#caller.kind === 'user' ? this.#caller.userId : null;
      if (viewer === null) return ids.map(() => 0);
      const rows = await sqlParams<{ conversation_id: string; n: number }>(
        this.#em,
        `select p.conversation_id, ${UNREAD_COUNT} as n
           from conversation_participants p
          where p.user_id = ? and p.conversation_id = any(?)`,
        [viewer, [...ids]],
      );
      const counts = new Map(rows.map((r) => [r.conversation_id, r.n]));
      return ids.map((id) => counts.get(id) ?? 0);
    });
  }

  /** Is the caller a participant of the conversation `id`? */
  async isParticipant(conversationId: string): Promise<boolean> {
    const caller = this.#caller;
    if (caller.kind !== 'user') return false;
    const participants = await this.participantsOf.load(conversationId);
    return participants.some((p) => p.userId === caller.userId);
  }

  /** The conversation if the caller takes part in it; null otherwise (references, nullable paths). */
  async find(id: string): Promise<Conversation | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const conversation = await this.byId.load(id);
    return conversation && (await this.isParticipant(id)) ? conversation : null;
  }

  /** Like {@link find}, but NOT_FOUND (on `field`) instead of null: its existence is not revealed. */
  async get(id: string, field = 'id'): Promise<Conversation> {
    requireUser(this.#caller);
    parseId(id, field);
    const conversation = await this.find(id);
    if (!conversation) throw new NotFoundError('Conversation', { field });
    return conversation;
  }

  /**
   * The check of a `messageAdded` subscription: BAD_USER_INPUT for a
   * malformed id, NOT_FOUND when the conversation does not exist or the
   * caller is not in it (as on every other path: an outsider learns nothing).
   */
  async requireSubscribable(id: unknown): Promise<Conversation> {
    if (typeof id !== 'string')
      throw new BadUserInputError('"conversationId" must be an id (a UUID).', 'conversationId');
    return this.get(id, 'conversationId');
  }

  /** The conversation of a message the caller may see (so of a conversation they take part in). */
  async ofMessage(conversationId: string): Promise<Conversation> {
    const conversation = await this.byId.load(conversationId);
    if (!conversation) throw new Error(`message of a missing conversation ${conversationId}`);
    return conversation;
  }

  /** The participants' user ids: whoever started the conversation first, then in the order they joined. */
  async participantIds(conversation: Conversation): Promise<string[]> {
    const ids = (await this.participantsOf.load(conversation.id)).map((p) => p.userId);
    return [...ids.filter((id) => id === conversation.startedBy), ...ids.filter((id) => id !== conversation.startedBy)];
  }

  /** Messages of the other participants the caller has not read. */
  async unreadCount(conversation: Conversation): Promise<number> {
    return this.#unread.load(conversation.id);
  }

  /** A user's conversations, most recent message first: the user themself only. */
  async listFor(
    userId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<Conversation>> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== userId) throw new ForbiddenError('You can only see your own conversations.');
    const limit = pageSize(args.first);
    const params: unknown[] = [userId];
    let before = '';
    if (args.after) {
      const [seq] = decodeCursor(args.after, CURSOR);
      before = 'and c.last_message_seq < ?';
      params.push(seq);
    }
    params.push(limit + 1);
    // The page's conversations whole, each with its last message and the user's unread count (what a list of
    // conversations shows), in one statement.
    const em = this.#em;
    const rows = await sqlParams<Record<string, unknown>>(
      em,
      `select ${columnsOf(em, Conversation, 'c', 'conversation.')}, ${columnsOf(em, Message, 'l', 'last.')},
              ${UNREAD_COUNT} as unread
         from conversation_participants p
         join conversations c on c.id = p.conversation_id
         left join messages l on l.seq = c.last_message_seq
        where p.user_id = ? ${before} order by c.last_message_seq desc limit ?`,
      params,
    );
    const ordered = rows.map((row) => {
      const conversation = entityOf(em, Conversation, row, 'conversation.');
      this.byId.prime(conversation.id, conversation);
      this.#unread.prime(conversation.id, row.unread as number);
      if (row['last.id'] !== null) {
        const last = entityOf(em, Message, row, 'last.');
        this.messagesBySeq.prime(last.seq, last);
      }
      return conversation;
    });
    return toConnection(ordered, limit, (c) => [c.lastMessageSeq]);
  }

  /**
   * Starts a conversation with its first message: a BUSINESS_OWNER with a
   * banker, a BANKER with a business owner they serve. A participant who is
   * not known to messaging, does not have the counterpart role or is not
   * served by the banker is NOT_FOUND (nothing says which); so is a loan
   * application that is not between the two participants.
   */
  async start(input: unknown): Promise<Conversation> {
    const caller = requireRole(this.#caller, 'BUSINESS_OWNER', 'BANKER');
    const data = parseInput(startConversationInput, input);
    if (data.participantId === caller.userId) {
      throw new BadUserInputError('You cannot start a conversation with yourself.', 'participantId');
    }
    const startedAs = await this.#counterpartCheck(caller, data.participantId);
    if (
      data.loanApplicationId &&
      !(await applicationBetween(this.#em, data.loanApplicationId, caller.userId, data.participantId))
    ) {
      throw new NotFoundError('Loan application', { field: 'loanApplicationId' });
    }
    const { conversation, message } = await this.#em.transactional(async (em) => {
      const now = new Date();
      const conversation = em.create(Conversation, {
        id: randomUUID(),
        subject: data.subject,
        startedBy: caller.userId,
        startedAs,
        loanApplicationId: data.loanApplicationId ?? null,
        createdAt: now,
        lastMessageSeq: 0,
        lastMessageAt: now,
      });
      const participants = [caller.userId, data.participantId].map((userId) =>
        em.create(Participant, { conversationId: conversation.id, userId, joinedAt: now, lastReadSeq: 0 }),
      );
      recordEvent(em, 'messaging.conversation.started', {
        conversationId: conversation.id,
        startedBy: caller.userId,
        participantIds: participants.map((p) => p.userId),
        loanApplicationId: conversation.loanApplicationId ?? null,
      });
      await em.flush();
      const message = await appendMessage(em, {
        conversation,
        participants,
        senderId: caller.userId,
        body: data.body,
        clientMessageId: null,
      });
      return { conversation, message };
    });
    await publishMessageAdded(this.#bus, this.#logger, message);
    return conversation;
  }

  /**
   * The role the caller starts the conversation in: BUSINESS_OWNER when the
   * participant is a banker, BANKER when they are a business owner the
   * caller serves (a banker asking a banker, or an owner an owner, is refused).
   */
  async #counterpartCheck(caller: Extract<Caller, { kind: 'user' }>, participantId: string): Promise<StartedAs> {
    const roles = (await rolesOf(this.#em, participantId)) ?? [];
    if (hasRole(caller, 'BUSINESS_OWNER') && roles.includes('BANKER')) return 'BUSINESS_OWNER';
    if (
      hasRole(caller, 'BANKER') &&
      roles.includes('BUSINESS_OWNER') &&
      (await serves(this.#em, caller.userId, participantId))
    ) {
      return 'BANKER';
    }
    const wanted = hasRole(caller, 'BUSINESS_OWNER') ? 'Banker' : 'Business owner';
    throw new NotFoundError(wanted, { field: 'participantId' });
  }

  /** Marks every message of a conversation the caller takes part in as read by them. */
  async markRead(conversationId: string): Promise<Conversation> {
    const caller = requireUser(this.#caller);
    parseId(conversationId, 'conversationId');
    const conversation = await this.#em.transactional(async (em) => {
      // The conversation's row lock orders this after any message being written to it.
      const conversation = await em.findOne(
        Conversation,
        { id: conversationId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      const me = conversation
        ? await em.findOne(Participant, { conversationId, userId: caller.userId }, { refresh: true })
        : null;
      if (!conversation || !me) throw new NotFoundError('Conversation', { field: 'conversationId' });
      if (me.lastReadSeq < conversation.lastMessageSeq) me.lastReadSeq = conversation.lastMessageSeq;
      return conversation;
    });
    this.byId.clear(conversationId).prime(conversationId, conversation);
    this.participantsOf.clear(conversationId);
    this.#unread.clear(conversationId);
    return conversation;
  }
}
