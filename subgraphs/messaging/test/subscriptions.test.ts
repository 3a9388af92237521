/**
 * Messaging's subscription fields, called as the subscription endpoint calls
 * them (platform/subscriptions.ts): `subscribe` checks the caller and names
 * the topics, the mutations publish on those topics after commit, and
 * `resolve` turns each event into the value for one subscriber or skips it.
 */
import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { Caller } from '../../../platform/caller.ts';
import { messaging } from '../src/main.ts';
import { messageAddedTopic, notificationAddedTopic } from '../src/services/live.ts';
import {
  ANONYMOUS,
  START,
  domainEvent,
  ok,
  party,
  send,
  startConversation,
  startMessaging,
  waitFor,
  type MessagingHarness,
  type Party,
} from './support.ts';

let h: MessagingHarness;
let owner: Party;
let banker: Party;
let conversationId: string;

const fields = messaging.subscriptions ?? {};
const messageAdded = fields.messageAdded as NonNullable<(typeof fields)['messageAdded']>;
const notificationAdded = fields.notificationAdded as NonNullable<(typeof fields)['notificationAdded']>;

beforeAll(async () => {
  h = await startMessaging();
  owner = await h.user('BUSINESS_OWNER');
  banker = await h.user('BANKER');
  conversationId = await startConversation(h, owner, banker);
});
afterAll(async () => {
  await h?.close();
});

/** The code of the error `work` throws. */
async function codeOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return (error as GraphQLError).extensions?.code;
  }
  throw new Error('expected an error');
}

/** Listens on `topic` until `stop`. */
async function listen(topic: string): Promise<{ heard: unknown[]; stop(): Promise<void> }> {
  const heard: unknown[] = [];
  const stop = await h.bus.subscribe(topic, (m) => heard.push(m));
  return { heard, stop };
}

describe('messageAdded', () => {
  test('a participant subscribes to the conversation’s topic', async () => {
    for (const p of [owner, banker]) {
      expect(await messageAdded.subscribe({ conversationId }, h.context(p.caller))).toEqual([
        messageAddedTopic(conversationId),
      ]);
    }
  });

  test.each([
    ['someone not in it', () => ({ conversationId }), party('BANKER').caller, 'NOT_FOUND'],
    ['an unknown conversation', () => ({ conversationId: randomUUID() }), party('BANKER').caller, 'NOT_FOUND'],
    ['a malformed id', () => ({ conversationId: 'nope' }), party('BANKER').caller, 'BAD_USER_INPUT'],
    ['a missing id', () => ({}), party('BANKER').caller, 'BAD_USER_INPUT'],
    ['anonymous', () => ({ conversationId }), ANONYMOUS, 'UNAUTHENTICATED'],
  ] as [string, () => Record<string, unknown>, Caller, string][])('%s is refused', async (_who, args, caller, code) => {
    expect(await codeOf(() => messageAdded.subscribe(args(), h.context(caller)))).toBe(code);
  });

  test('sendMessage publishes { messageId, conversationId } after commit; a resend publishes nothing', async () => {
    const live = await listen(messageAddedTopic(conversationId));
    const clientMessageId = randomUUID();
    const message = await send(h, banker, conversationId, 'live', clientMessageId);
    await send(h, banker, conversationId, 'live', clientMessageId);
    await live.stop();
    expect(live.heard).toEqual([{ messageId: message.id, conversationId }]);
    expect(await h.count('messages', 'id = ?', [message.id])).toBe(1);
  });

  test('startConversation announces its first message on the new conversation’s topic', async () => {
    const body = await h.gql(
      START,
      { input: { participantId: banker.id, subject: 'Hi', body: 'first' } },
      owner.caller,
    );
    const id = ok(body).startConversation.id;
    const [message] = await h.sql<{ id: string }>('select id from messages where conversation_id = ?', [id]);
    expect(h.bus.published.filter((p) => p.topic === messageAddedTopic(id))).toEqual([
      { topic: messageAddedTopic(id), message: { messageId: message?.id, conversationId: id } },
    ]);
  });

  test('resolve gives a participant the message, and skips what is not theirs', async () => {
    const message = await send(h, owner, conversationId, 'resolve me');
    const event = { messageId: message.id, conversationId };
    const args = { conversationId };
    const resolved = await messageAdded.resolve(event, args, h.context(banker.caller));
    expect(resolved).toMatchObject({ id: message.id, body: 'resolve me', conversationId, senderId: owner.id });

    const outsider = party('BANKER').caller;
    expect(await messageAdded.resolve(event, args, h.context(outsider))).toBeNull();
    expect(await messageAdded.resolve(event, args, h.context(ANONYMOUS))).toBeNull();
    // An event of another conversation, even one the subscriber is in, is not this subscription's.
    const other = await startConversation(h, owner, banker);
    const elsewhere = await send(h, owner, other, 'elsewhere');
    expect(
      await messageAdded.resolve({ messageId: elsewhere.id, conversationId: other }, args, h.context(banker.caller)),
    ).toBeNull();
    expect(
      await messageAdded.resolve({ messageId: elsewhere.id, conversationId }, args, h.context(banker.caller)),
    ).toBeNull();
    for (const garbage of [
      null,
      'x',
      { messageId: 'nope', conversationId },
      { messageId: randomUUID(), conversationId },
    ]) {
      expect(await messageAdded.resolve(garbage, args, h.context(banker.caller))).toBeNull();
    }
  });
});

describe('notificationAdded', () => {
  test('subscribes the caller to their own topic; anonymous is refused', async () => {
    expect(await notificationAdded.subscribe({}, h.context(owner.caller))).toEqual([notificationAddedTopic(owner.id)]);
    expect(await codeOf(() => notificationAdded.subscribe({}, h.context(ANONYMOUS)))).toBe('UNAUTHENTICATED');
  });

  test('a new notification is published on its user’s topic and resolves for them only', async () => {
    const alice = party('CUSTOMER');
    const live = await listen(notificationAddedTopic(alice.id));
    const event = domainEvent('lending.application.status_changed', {
      applicationId: randomUUID(),
      applicantId: alice.id,
      status: 'APPROVED',
    });
    await h.bus.append(event);
    await waitFor(async () => live.heard.length === 1);
    await live.stop();
    const published = live.heard[0];
    const resolved = await notificationAdded.resolve(published, {}, h.context(alice.caller));
    expect(resolved).toMatchObject({ kind: 'LOAN_APPLICATION_STATUS', userId: alice.id, eventId: event.id });

    expect(await notificationAdded.resolve(published, {}, h.context(owner.caller))).toBeNull();
    expect(await notificationAdded.resolve(published, {}, h.context(ANONYMOUS))).toBeNull();
    expect(await notificationAdded.resolve({ notificationId: 'nope' }, {}, h.context(alice.caller))).toBeNull();
  });
});
