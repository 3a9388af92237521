/**
 * The assistant's conversation: understanding a message, answering it from
 * the customer's own data (through the router, as the customer), keeping the
 * transcript, and the payments it proposes, which move money only through
 * `confirm` by their owner.
 *
 * Exactly once: a message's `clientMessageId` is unique per customer, so a
 * resend returns the first turn; an action is decided under its row lock and
 * carried out with an idempotency key derived from its id, so a retried or
 * concurrent confirmation can never pay twice, and a confirmation's own key
 * returns the first outcome.
 */
import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import { BankError, ErrorCode, InvalidStateTransitionError, NotFoundError } from '../../../../platform/errors.ts';
import type { EventBus } from '../../../../platform/event-bus.ts';
import { requireSameRequest, requestHashOf } from '../../../../platform/idempotency.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { publishLive } from '../../../../platform/subscriptions.ts';
import { parseInput } from '../../../../platform/validation.ts';
import { classify, type Classification } from '../nlu/classifier.ts';
import { extractEntities, loanTerms, type Entities } from '../nlu/entities.ts';
import { AssistantAction, AssistantSession, AssistantTurn, type StoredCard } from '../entities/index.ts';
import { asBankError, type Graph } from './graph.ts';
import { askInput, confirmInput } from './input.ts';
import { turnAddedTopic, type TurnAddedEvent } from './live.ts';
import * as skills from './replies.ts';
import type { TurnDraft } from './replies.ts';
import type { Sessions } from './sessions.ts';

/** What a turn records besides its draft. */
interface TurnRecord extends TurnDraft {
  intent: string;
  confidence: number;
  clarifying: boolean;
}

/** Intents whose readable descriptions a clarifying question offers. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  balance: 'see your balances',
  transactions: 'search your transactions',
  spending_history: 'see your spending',
  transfer: 'transfer money',
  bill_due: 'see which bills are due',
  pay_bill: 'pay a bill',
  bill_balance: 'see what is left on your bills',
  min_payment: 'see what is left on your bills',
  loan_status: 'check on your loan',
  next_installment: 'see your next loan installment',
  loan_quote: 'get a loan quote',
  talk_to_human: 'talk to a person',
  freeze_account: 'freeze your account',
  report_fraud: 'report fraud',
  routing: 'find your account and routing numbers',
  help: 'know what I can do',
};

/** Intents answered without reading anything: never worth a clarifying question. */
const CONVERSATIONAL = new Set(['greeting', 'goodbye', 'thank_you', 'yes', 'no', 'cancel', 'help']);

/** The key the assistant gives banking and billing for an action: the same for every confirmation of it. */
export const paymentKeyOf = (actionId: string): string => `assistant:${actionId}`;

export class Assistant {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #config: Config;
  readonly #sessions: Sessions;
  readonly #graph: () => Graph;

  constructor(deps: {
    em: EntityManager;
    caller: Caller;
    bus: EventBus;
    logger: Logger;
    config: Config;
    sessions: Sessions;
    graph: () => Graph;
  }) {
    this.#em = deps.em;
    this.#caller = deps.caller;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    this.#config = deps.config;
    this.#sessions = deps.sessions;
    this.#graph = deps.graph;
  }

  /** Answers a message; a resend of a `clientMessageId` returns its first turn. */
  async ask(raw: unknown): Promise<AssistantTurn> {
    const { userId } = requireUser(this.#caller);
    const input = parseInput(askInput, raw);
    const clientMessageId = input.clientMessageId ?? null;
    const meaning = requestHashOf({ text: input.text });
    if (clientMessageId !== null) {
      const first = await this.#em.findOne(AssistantTurn, { userId, clientMessageId });
      if (first) return this.#resent(first, input.sessionId ?? null, input.text);
    }
    const session = input.sessionId ? await this.#sessions.get(input.sessionId) : null;
    const graph = this.#graph();
    const now = new Date();
    const understood = classify(input.text);
    const record = await this.#answer(input.text, understood, graph, session, now);
    try {
      const turn = await this.#em.transactional(async (em) => {
        const own =
          session ??
          em.create(AssistantSession, {
            id: randomUUID(),
            userId,
            startedAt: now,
            lastTurnAt: now,
            handedOffConversationId: null,
          });
        if (session) {
          await em.lock(own, LockMode.PESSIMISTIC_WRITE);
          own.lastTurnAt = now;
        }
        if (record.handedOffTo) own.handedOffConversationId = record.handedOffTo;
        let actionId: string | null = null;
        if (record.action) {
          // A new proposal replaces the session's earlier ones: "yes" can only ever refer to one.
          await em.nativeUpdate(
            AssistantAction,
            { sessionId: own.id, status: 'PENDING' },
            { status: 'CANCELLED', decidedAt: now },
          );
          const action = em.create(AssistantAction, {
            id: randomUUID(),
            sessionId: own.id,
            userId,
            ...record.action,
            status: 'PENDING',
            expiresAt: new Date(now.getTime() + this.#config.assistant.actionTtlSeconds * 1000),
            createdAt: now,
            decidedAt: null,
            confirmationKey: null,
            transactionId: null,
            billPaymentId: null,
            failureCode: null,
            outcomeTurnId: null,
          });
          actionId = action.id;
        }
        if (record.cancelledActionId) {
          // "no" / "cancel" in words cancels (never confirms): only if it is still pending now.
          await em.nativeUpdate(
            AssistantAction,
            { id: record.cancelledActionId, userId, status: 'PENDING' },
            { status: 'CANCELLED', decidedAt: now },
          );
          actionId = record.cancelledActionId;
        }
        const created = em.create(AssistantTurn, {
          id: randomUUID(),
          sessionId: own.id,
          userId,
          text: input.text,
          reply: record.reply,
          intent: record.intent,
          confidence: record.confidence,
          clarifying: record.clarifying,
          cards: record.cards,
          suggestions: record.suggestions,
          actionId,
          clientMessageId,
          requestHash: meaning,
          createdAt: now,
        });
        await em.flush();
        return created;
      });
      await this.#announce(turn);
      return turn;
    } catch (error) {
      // A concurrent resend of the same message got there first: its turn is the answer.
      if (error instanceof UniqueConstraintViolationException && clientMessageId !== null) {
        const first = await this.#em.fork().findOne(AssistantTurn, { userId, clientMessageId });
        if (first) return this.#resent(first, input.sessionId ?? null, input.text);
      }
      throw error;
    }
  }

  /** The first turn of a resent message, if the resend means the same. */
  #resent(first: AssistantTurn, sessionId: string | null, text: string): AssistantTurn {
    // The first message may have started the session the resend now names.
    const sameSession = sessionId === null || sessionId === first.sessionId;
    requireSameRequest(sameSession ? first.requestHash : null, requestHashOf({ text }));
    return first;
  }

  /** Understands and answers one message (reads only). */
  async #answer(
    text: string,
    understood: Classification,
    graph: Graph,
    session: AssistantSession | null,
    now: Date,
  ): Promise<TurnRecord & { cancelledActionId?: string }> {
    const { intent, confidence } = understood;
    const base = { intent, confidence, clarifying: false };
    if (understood.clarify && !CONVERSATIONAL.has(intent)) {
      const options = [
        ...new Set(understood.ranked.map((r) => DESCRIPTIONS[r.intent]).filter((d): d is string => !!d)),
      ].slice(0, 2);
      return {
        ...base,
        clarifying: true,
        reply: options.length
          ? `I'm not sure I understood. Do you want to ${options.join(', or to ')}?`
          : `I'm not sure I understood. ${skills.smallTalk.help?.reply}`,
        cards: [],
        suggestions: understood.ranked
          .map((r) => DESCRIPTIONS[r.intent])
          .filter((d): d is string => !!d)
          .slice(0, 3),
      };
    }
    // Entities (Recognizers-Text: milliseconds a message, the most of a turn's own work) are read only
    // by the skills that need amounts or periods; a balance question or a greeting never extracts them.
    let entities: Entities | undefined;
    const ask: skills.Ask = {
      text,
      understood,
      get entities() {
        return (entities ??= extractEntities(text, now));
      },
      graph,
      now,
    };
    // The session's pending action matters only to "yes", "no" and "cancel": read for them alone.
    const pendingNow = () => (session ? this.#sessions.pending(session.id, { now }) : Promise.resolve(null));
    switch (intent) {
      case 'balance':
        return { ...base, ...(await skills.balance(ask)) };
      case 'transactions':
        return { ...base, ...(await skills.transactions(ask)) };
      case 'spending_history':
        return { ...base, ...(await skills.spending(ask)) };
      case 'bill_due':
      case 'bill_balance':
      case 'min_payment':
        return { ...base, ...(await skills.bills(ask, intent)) };
      case 'pay_bill':
        return { ...base, ...(await skills.payBill(ask)) };
      case 'transfer':
        return { ...base, ...(await skills.transfer(ask)) };
      case 'loan_status':
      case 'next_installment':
        return { ...base, ...(await skills.loans(ask, intent)) };
      case 'loan_quote':
        return { ...base, ...(await skills.loanQuote(ask, loanTerms(text))) };
      case 'yes': {
        const pending = await pendingNow();
        return {
          ...base,
          reply: pending
            ? `To go ahead with "${pending.summary}", press Confirm: I never move money on a message alone.`
            : 'Yes to what? Tell me what you would like to do.',
          cards: [],
          suggestions: pending ? ['Cancel'] : [skills.SUGGESTIONS.balance],
        };
      }
      case 'no':
      case 'cancel': {
        const pending = await pendingNow();
        if (pending) {
          return {
            ...base,
            reply: `Cancelled: ${pending.summary}. Nothing was moved.`,
            cards: [],
            suggestions: [],
            cancelledActionId: pending.id,
          };
        }
        return { ...base, reply: 'All right. Anything else?', cards: [], suggestions: [skills.SUGGESTIONS.balance] };
      }
      case 'talk_to_human':
        return { ...base, ...(await this.#handOff(graph, session, text, 'talk to a person')) };
      default:
        if (skills.STAFF_REQUESTS[intent]) {
          return { ...base, ...(await this.#handOff(graph, session, text, skills.STAFF_REQUESTS[intent])) };
        }
        return { ...base, ...(skills.smallTalk[intent] ?? skills.smallTalk.oos) } as TurnRecord;
    }
  }

  /**
   * Hands the conversation to the customer's banker (a business owner's, from
   * their loan applications) in messaging, with the transcript; the assistant
   * never pretends to do what only staff can.
   */
  async #handOff(graph: Graph, session: AssistantSession | null, text: string, request: string): Promise<TurnDraft> {
    const me = await graph.me();
    const applications = me.roles.includes('BUSINESS_OWNER') ? await graph.loanApplications() : [];
    const banker = applications[0]?.banker;
    if (!banker) {
      const call =
        request === 'report fraud' || request === 'freeze an account'
          ? ' now, on the number on the back of your card'
          : '';
      return {
        reply:
          request === 'talk to a person'
            ? `I can't connect you to a person from this chat: chat with a banker is for business owners who have one. Please call the bank.`
            : `I can't ${request} myself, and I can't reach a person for your account from this chat. Please call the bank${call}.`,
        cards: [],
        suggestions: [skills.SUGGESTIONS.balance],
      };
    }
    const previous = session
      ? await this.#em.find(AssistantTurn, { sessionId: session.id }, { orderBy: { seq: 'asc' } })
      : [];
    const body = `The customer asked the assistant to ${request}. Transcript:\n${skills.transcriptOf([...previous, { text, reply: '(handed over to you)' }])}`;
    let conversationId = session?.handedOffConversationId ?? null;
    if (conversationId) await graph.sendMessage(conversationId, body);
    else
      conversationId = await graph.startConversation({ participantId: banker.id, subject: 'From the assistant', body });
    const urgent = request === 'report fraud' || request === 'freeze an account';
    return {
      reply:
        `${request === 'talk to a person' ? '' : `I can't ${request} myself, so `}` +
        `I've passed our conversation to your banker, ${banker.name}, with its transcript. They will answer in your messages.` +
        (urgent ? ' If it is urgent, call the bank now, on the number on the back of your card.' : ''),
      cards: [],
      suggestions: [],
      handedOffTo: conversationId,
    };
  }

  /** Carries out one of the caller's pending actions (see the class comment). */
  async confirm(rawActionId: unknown, rawKey: unknown, rawProof: unknown): Promise<AssistantTurn> {
    requireUser(this.#caller);
    const input = parseInput(confirmInput, { actionId: rawActionId, idempotencyKey: rawKey, stepUpProof: rawProof });
    const graph = this.#graph();
    return this.#decide(input.actionId, async (action, em) => {
      if (action.status !== 'PENDING') {
        if (action.confirmationKey === input.idempotencyKey && action.outcomeTurnId) {
          // The first answer again: the bank's refusal, as #failed made it.
          if (action.status === 'FAILED')
            throw bankRefusal(action.id, action.failureCode ?? 'PAYMENT_FAILED', 'The bank refused this payment.');
          return { turn: await em.findOneOrFail(AssistantTurn, { id: action.outcomeTurnId }), replay: true };
        }
        throw stateError(action);
      }
      if (action.expiresAt.getTime() <= Date.now()) {
        action.status = 'EXPIRED';
        action.decidedAt = new Date();
        return { refusal: stateError(action) };
      }
      const amount = fromMinorUnits(action.amount, action.currency as Currency);
      const proof = input.stepUpProof ?? undefined;
      try {
        if (action.kind === 'TRANSFER') {
          const transaction = await graph.transfer({
            fromAccountId: action.fromAccountId,
            toAccountId: action.toAccountId as string,
            amount,
            idempotencyKey: paymentKeyOf(action.id),
            description: 'Transfer through the assistant',
            stepUpProof: proof,
          });
          action.transactionId = transaction.id;
        } else {
          const payment = await graph.payBill({
            billId: action.billId as string,
            fromAccountId: action.fromAccountId,
            amount,
            idempotencyKey: paymentKeyOf(action.id),
            stepUpProof: proof,
          });
          action.billPaymentId = payment.id;
          if (payment.status === 'FAILED') {
            return this.#failed(
              em,
              action,
              input.idempotencyKey,
              payment.failureCode ?? 'PAYMENT_FAILED',
              payment.failureReason ?? 'The payment failed.',
            );
          }
        }
      } catch (error) {
        const refusal = asBankError(error);
        // A second factor first, or an unknown outcome: the action waits (the same key makes the retry exactly once).
        if (
          refusal.code === ErrorCode.STEP_UP_REQUIRED ||
          refusal.code === ErrorCode.SERVICE_UNAVAILABLE ||
          refusal.code === ErrorCode.IDEMPOTENCY_IN_PROGRESS
        ) {
          return { refusal, keep: true };
        }
        return this.#failed(em, action, input.idempotencyKey, refusal.code, refusal.message);
      }
      action.status = 'CONFIRMED';
      action.decidedAt = new Date();
      action.confirmationKey = input.idempotencyKey;
      const turn = this.#outcome(em, action, `Done: ${action.summary}.`, 'yes');
      action.outcomeTurnId = turn.id;
      return { turn };
    });
  }

  /** Cancels one of the caller's pending actions. */
  async cancel(rawActionId: unknown): Promise<AssistantTurn> {
    requireUser(this.#caller);
    const { actionId } = parseInput(confirmInput.pick({ actionId: true }), { actionId: rawActionId });
    return this.#decide(actionId, async (action, em) => {
      if (action.status !== 'PENDING') throw stateError(action);
      if (action.expiresAt.getTime() <= Date.now()) {
        action.status = 'EXPIRED';
        action.decidedAt = new Date();
        return { refusal: stateError(action) };
      }
      action.status = 'CANCELLED';
      action.decidedAt = new Date();
      const turn = this.#outcome(em, action, `Cancelled: ${action.summary}. Nothing was moved.`, 'cancel');
      action.outcomeTurnId = turn.id;
      return { turn };
    });
  }

  /**
   * Runs `decide` on the caller's action under its row lock. It returns the
   * turn to answer with (committed and announced), or a refusal to throw
   * after committing what it changed (an expiry; a failure, with the turn
   * that tells it, announced too), or, with `keep`, after changing nothing.
   */
  async #decide(
    actionId: string,
    decide: (
      action: AssistantAction,
      em: EntityManager,
    ) => Promise<
      { turn: AssistantTurn; replay?: boolean } | { refusal: BankError; keep?: boolean; turn?: AssistantTurn }
    >,
  ): Promise<AssistantTurn> {
    const { userId } = requireUser(this.#caller);
    const outcome = await this.#em.transactional(async (em) => {
      const found = await em.findOne(AssistantAction, { id: actionId, userId });
      if (!found) throw new NotFoundError('The action', { field: 'actionId' });
      // Locked in `ask`'s order, the session then the action: a message in the session (which cancels its
      // pending actions under the session's lock) and a decision wait for each other instead of deadlocking.
      const session = await em.findOneOrFail(
        AssistantSession,
        { id: found.sessionId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const action = await em.findOneOrFail(
        AssistantAction,
        { id: found.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      const result = await decide(action, em);
      if ('refusal' in result && result.keep) throw result.refusal;
      if (!('refusal' in result) && result.replay) return result;
      // "When its last turn was added": an expiry found on the way adds none.
      if (result.turn) session.lastTurnAt = result.turn.createdAt;
      await em.flush();
      return result;
    });
    if ('refusal' in outcome) {
      if (outcome.turn) await this.#announce(outcome.turn);
      throw outcome.refusal;
    }
    if (!outcome.replay) await this.#announce(outcome.turn);
    return outcome.turn;
  }

  /** Records a refused payment: FAILED with the bank's code, a turn saying so, then the bank's error. */
  #failed(em: EntityManager, action: AssistantAction, key: string, code: string, message: string) {
    action.status = 'FAILED';
    action.decidedAt = new Date();
    action.confirmationKey = key;
    action.failureCode = code.slice(0, 40);
    const turn = this.#outcome(
      em,
      action,
      `The bank refused "${action.summary}": ${message} Nothing was moved.`,
      'yes',
    );
    action.outcomeTurnId = turn.id;
    return { refusal: bankRefusal(action.id, code, message), turn };
  }

  /** The turn that tells the outcome of a decision on `action`. */
  #outcome(em: EntityManager, action: AssistantAction, reply: string, intent: string): AssistantTurn {
    return em.create(AssistantTurn, {
      id: randomUUID(),
      sessionId: action.sessionId,
      userId: action.userId,
      text: null,
      reply,
      intent,
      confidence: 1,
      clarifying: false,
      cards:
        action.kind === 'TRANSFER'
          ? [{ kind: 'ACCOUNTS', title: 'From', accountIds: [action.fromAccountId] } satisfies StoredCard]
          : [{ kind: 'BILLS', title: 'The bill', billIds: [action.billId as string] } satisfies StoredCard],
      suggestions: [skills.SUGGESTIONS.balance],
      actionId: action.id,
      clientMessageId: null,
      requestHash: null,
      createdAt: new Date(),
    });
  }

  /** Tells every device of the customer (after the commit). */
  async #announce(turn: AssistantTurn): Promise<void> {
    const event: TurnAddedEvent = { turnId: turn.id, sessionId: turn.sessionId };
    await publishLive(this.#bus, this.#logger, turnAddedTopic(turn.sessionId), event);
  }
}

/** The bank's refusal of an action: its catalogued code (else INVALID_STATE_TRANSITION), the code as reason. */
function bankRefusal(actionId: string, code: string, message: string): BankError {
  return new BankError(
    (Object.values(ErrorCode) as string[]).includes(code) ? (code as ErrorCode) : ErrorCode.INVALID_STATE_TRANSITION,
    message,
    { actionId, reason: code },
  );
}

/** INVALID_STATE_TRANSITION for an action that is no longer pending, with why. */
function stateError(action: AssistantAction): BankError {
  const reason = {
    PENDING: 'ACTION_PENDING',
    CONFIRMED: 'ALREADY_CONFIRMED',
    CANCELLED: 'ACTION_CANCELLED',
    EXPIRED: 'ACTION_EXPIRED',
    FAILED: 'ACTION_FAILED',
  }[action.status];
  const words = {
    PENDING: 'is pending',
    CONFIRMED: 'was already confirmed',
    CANCELLED: 'was cancelled',
    EXPIRED: 'expired',
    FAILED: 'was refused by the bank',
  }[action.status];
  return new InvalidStateTransitionError(`This action ${words}; nothing more can be done with it.`, {
    reason,
    status: action.status,
  });
}
