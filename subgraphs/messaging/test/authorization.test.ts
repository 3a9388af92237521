/**
 * Only participants see a conversation or its messages, on every path: the
 * `conversation` query, `_entities` for Conversation and Message (one test
 * per @key), and a user's own lists. Outsiders get NOT_FOUND or null, never a
 * hint that the conversation exists.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../platform/caller.ts';
import {
  ANONYMOUS,
  CONVERSATION,
  CONVERSATIONS,
  NOTIFICATIONS,
  firstError,
  ok,
  party,
  send,
  startConversation,
  startMessaging,
  userRef,
  type MessagingHarness,
  type Party,
} from './support.ts';

let h: MessagingHarness;
let owner: Party;
let banker: Party;
let conversationId: string;
let messageId: string;

/** People who are not in the conversation, whatever their role. */
const outsiders: [string, Caller][] = [
  ['another banker', party('BANKER').caller],
  ['another business owner', party('BUSINESS_OWNER').caller],
  ['an ADMIN', party('ADMIN').caller],
  ['a RISK_OFFICER', party('RISK_OFFICER').caller],
];

beforeAll(async () => {
  h = await startMessaging();
  owner = await h.user('BUSINESS_OWNER');
  banker = await h.user('BANKER');
  conversationId = await startConversation(h, owner, banker, { body: 'private' });
  messageId = (await send(h, banker, conversationId, 'also private')).id;
});
afterAll(async () => {
  await h?.close();
});

describe('conversation(id)', () => {
  test('participants see it', async () => {
    for (const p of [owner, banker]) {
      expect(ok(await h.gql(CONVERSATION, { id: conversationId }, p.caller)).conversation.id).toBe(conversationId);
    }
  });

  test.each(outsiders)('%s gets NOT_FOUND, like for a conversation that does not exist', async (_who, caller) => {
    const hidden = await h.gql(CONVERSATION, { id: conversationId }, caller);
    const missing = await h.gql(CONVERSATION, { id: randomUUID() }, caller);
    expect(firstError(hidden).extensions.code).toBe('NOT_FOUND');
    expect(firstError(hidden).message).toBe(firstError(missing).message);
    expect(hidden.data?.conversation ?? null).toBeNull();
  });

  test('anonymous: UNAUTHENTICATED; a malformed id: BAD_USER_INPUT', async () => {
    expect(firstError(await h.gql(CONVERSATION, { id: conversationId }, ANONYMOUS)).extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(firstError(await h.gql(CONVERSATION, { id: 'nope' }, owner.caller)).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
  });
});

const CONVERSATION_ENTITIES = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on Conversation { id subject unreadCount messages { edges { node { body } } } } }
}`;
const MESSAGE_ENTITIES = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on Message { id body sender { id } conversation { id subject } } }
}`;

describe('_entities for Conversation', () => {
  const ref = (id: string) => ({ __typename: 'Conversation', id });

  test('a participant gets it', async () => {
    const body = await h.gql(CONVERSATION_ENTITIES, { r: [ref(conversationId)] }, owner.caller);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      {
        id: conversationId,
        subject: 'Working capital',
        unreadCount: 1,
        messages: { edges: [{ node: { body: 'private' } }, { node: { body: 'also private' } }] },
      },
    ]);
  });

  test.each([...outsiders, ['anonymous', ANONYMOUS] as [string, Caller]])('%s gets null', async (_who, caller) => {
    const body = await h.gql(CONVERSATION_ENTITIES, { r: [ref(conversationId)] }, caller);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([null]);
  });

  test('unknown and malformed ids resolve to null', async () => {
    const body = await h.gql(CONVERSATION_ENTITIES, { r: [ref(randomUUID()), ref('nope')] }, owner.caller);
    expect(body.data._entities).toEqual([null, null]);
  });
});

describe('_entities for Message', () => {
  const ref = (id: string) => ({ __typename: 'Message', id });

  test('a participant gets it, with its conversation', async () => {
    const body = await h.gql(MESSAGE_ENTITIES, { r: [ref(messageId)] }, owner.caller);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      {
        id: messageId,
        body: 'also private',
        sender: { id: banker.id },
        conversation: { id: conversationId, subject: 'Working capital' },
      },
    ]);
  });

  test.each([...outsiders, ['anonymous', ANONYMOUS] as [string, Caller]])('%s gets null', async (_who, caller) => {
    const body = await h.gql(MESSAGE_ENTITIES, { r: [ref(messageId)] }, caller);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([null]);
  });

  test('unknown and malformed ids resolve to null', async () => {
    const body = await h.gql(MESSAGE_ENTITIES, { r: [ref(randomUUID()), ref('nope')] }, owner.caller);
    expect(body.data._entities).toEqual([null, null]);
  });
});

describe('a user’s lists', () => {
  test('nobody else reads a user’s conversations or notifications: FORBIDDEN', async () => {
    for (const [, caller] of outsiders) {
      for (const query of [CONVERSATIONS, NOTIFICATIONS]) {
        const body = await h.gql(query, { r: [userRef(owner)] }, caller);
        expect(firstError(body).extensions.code).toBe('FORBIDDEN');
      }
    }
  });

  test('anonymous: UNAUTHENTICATED', async () => {
    for (const query of [CONVERSATIONS, NOTIFICATIONS]) {
      expect(firstError(await h.gql(query, { r: [userRef(owner)] }, ANONYMOUS)).extensions.code).toBe(
        'UNAUTHENTICATED',
      );
    }
  });

  test('an outsider’s own conversation list does not include it', async () => {
    const outsider = party('BANKER');
    const body = await h.gql(CONVERSATIONS, { r: [userRef(outsider)] }, outsider.caller);
    expect(ok(body)._entities[0].conversations.edges).toEqual([]);
  });
});
