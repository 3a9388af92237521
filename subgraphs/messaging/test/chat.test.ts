/**
 * Chat rules: who may start a conversation (and with whom: roles mirrored
 * from identity's events), bad input (refused with the field
 * at fault, nothing written), messages stored exactly as sent, resends made
 * harmless by `clientMessageId`, unread counts and read markers, the order of
 * a user's conversations, and scroll-back pages of messages.
 */
import { randomUUID } from 'node:crypto';
import {
  ANONYMOUS,
  CONVERSATION,
  CONVERSATIONS,
  MARK_READ,
  MESSAGES,
  SEND,
  START,
  domainEvent,
  firstError,
  ok,
  party,
  send,
  startConversation,
  startMessaging,
  userRef,
  waitFor,
  type GqlBody,
  type MessagingHarness,
  type Party,
} from './support.ts';

const firstErrorCode = (body: GqlBody) => body.errors?.[0]?.extensions.code;

let h: MessagingHarness;
let owner: Party;
let banker: Party;

beforeAll(async () => {
  h = await startMessaging();
  owner = await h.user('BUSINESS_OWNER');
  banker = await h.user('BANKER');
});
afterAll(async () => {
  await h?.close();
});

describe('startConversation', () => {
  test('a business owner starts a chat with a banker, with its first message', async () => {
    const loanApplicationId = await h.applied(owner, banker);
    const body = await h.gql(
      START,
      { input: { participantId: banker.id, subject: '  Expansion loan  ', body: 'Hello banker', loanApplicationId } },
      owner.caller,
    );
    const conversation = ok(body).startConversation;
    expect(conversation).toMatchObject({
      subject: 'Expansion loan',
      unreadCount: 0,
      loanApplicationId,
      participants: [{ id: owner.id }, { id: banker.id }],
      lastMessage: { body: 'Hello banker' },
    });
    expect(conversation.lastMessageAt).toEqual(expect.any(String));
    const seen = ok(await h.gql(CONVERSATION, { id: conversation.id }, banker.caller)).conversation;
    expect(seen).toMatchObject({ id: conversation.id, unreadCount: 1 });
    const events = await h.sql<{ type: string }>(
      `select type from outbox_events where payload->>'conversationId' = ? order by position`,
      [conversation.id],
    );
    expect(events.map((e) => e.type)).toEqual(['messaging.conversation.started', 'messaging.message.sent']);
  });

  test('a banker starts a chat with a business owner who applied to them', async () => {
    await h.applied(owner, banker);
    const id = await startConversation(h, banker, owner, { subject: 'Your application' });
    const [row] = await h.sql<{ started_by: string; started_as: string }>(
      'select started_by, started_as from conversations where id = ?',
      [id],
    );
    expect(row).toEqual({ started_by: banker.id, started_as: 'BANKER' });
  });

  describe('the other participant must have the counterpart role', () => {
    test.each([
      ['a user messaging has never heard of', 'BUSINESS_OWNER', null, 'Banker'],
      ['an owner asking another business owner', 'BUSINESS_OWNER', 'BUSINESS_OWNER', 'Banker'],
      ['an owner asking a customer', 'BUSINESS_OWNER', 'CUSTOMER', 'Banker'],
      ['an owner asking a risk officer', 'BUSINESS_OWNER', 'RISK_OFFICER', 'Banker'],
      ['a banker asking another banker', 'BANKER', 'BANKER', 'Business owner'],
      ['a banker asking a customer', 'BANKER', 'CUSTOMER', 'Business owner'],
    ] as const)('%s: NOT_FOUND on participantId, nothing written', async (_what, from, to, wanted) => {
      const caller = party(from).caller;
      const other = to === null ? party('BANKER') : await h.user(to);
      const before = await h.counts();
      const body = await h.gql(START, { input: { participantId: other.id, subject: 'Hi', body: 'Hi' } }, caller);
      expect(firstError(body)).toMatchObject({
        message: `${wanted} was not found.`,
        extensions: { code: 'NOT_FOUND', field: 'participantId' },
      });
      expect(await h.counts()).toEqual(before);
    });

    test('a banker and a business owner who has not applied to them: NOT_FOUND, nothing written', async () => {
      const stranger = await h.user('BUSINESS_OWNER');
      const before = await h.counts();
      const body = await h.gql(
        START,
        { input: { participantId: stranger.id, subject: 'Hi', body: 'Hi' } },
        banker.caller,
      );
      expect(firstError(body)).toMatchObject({
        message: 'Business owner was not found.',
        extensions: { code: 'NOT_FOUND', field: 'participantId' },
      });
      expect(await h.counts()).toEqual(before);
      // Once the owner applies to another banker, this banker still does not serve them.
      await h.applied(stranger, await h.user('BANKER'));
      expect(
        firstErrorCode(
          await h.gql(START, { input: { participantId: stranger.id, subject: 'Hi', body: 'Hi' } }, banker.caller),
        ),
      ).toBe('NOT_FOUND');
    });

    test.each([
      ['unknown to messaging', async () => randomUUID()],
      ['between the owner and another banker', async () => h.applied(owner, await h.user('BANKER'))],
      ['of another owner with this banker', async () => h.applied(await h.user('BUSINESS_OWNER'), banker)],
    ])('a loan application %s: NOT_FOUND on loanApplicationId, nothing written', async (_what, make) => {
      const loanApplicationId = await make();
      const before = await h.counts();
      const body = await h.gql(
        START,
        { input: { participantId: banker.id, subject: 'Hi', body: 'Hi', loanApplicationId } },
        owner.caller,
      );
      expect(firstError(body).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'loanApplicationId' });
      expect(await h.counts()).toEqual(before);
    });

    test('a role change from identity takes effect; an older event delivered late does not undo it', async () => {
      const former = await h.user('BANKER');
      const changedAt = new Date();
      const demote = domainEvent('identity.user.roles_changed', { userId: former.id, roles: ['CUSTOMER'] });
      demote.occurredAt = changedAt.toISOString();
      await h.bus.append(demote);
      const start = () =>
        h.gql(START, { input: { participantId: former.id, subject: 'Hi', body: 'Hi' } }, owner.caller);
      await waitFor(async () => firstErrorCode(await start()) === 'NOT_FOUND');

      // The sign-up event again, older than the change (a redelivery): the user stays a customer.
      const stale = domainEvent('identity.user.registered', { userId: former.id, roles: ['BANKER'] });
      stale.occurredAt = new Date(changedAt.getTime() - 60_000).toISOString();
      await h.bus.append(stale);
      const marker = await h.user('BANKER'); // handled after the stale event: it has been applied by now
      expect(marker.id).not.toBe(former.id);
      expect(firstErrorCode(await start())).toBe('NOT_FOUND');
      const [row] = await h.sql<{ roles: string[] }>('select roles from known_users where user_id = ?', [former.id]);
      expect(row?.roles).toEqual(['CUSTOMER']);
    });

    test('a malformed identity event is skipped and later events are still applied', async () => {
      const id = randomUUID();
      await h.bus.append(domainEvent('identity.user.registered', { userId: id, roles: ['WIZARD'] }));
      await h.bus.append(domainEvent('identity.user.registered', { userId: 'not-an-id', roles: ['BANKER'] }));
      const after = await h.user('BANKER');
      expect(await h.count('known_users', 'user_id = ?', [id])).toBe(0);
      expect(
        ok(await h.gql(START, { input: { participantId: after.id, subject: 'S', body: 'B' } }, owner.caller)),
      ).toBeTruthy();
    });
  });

  test.each([
    ['a CUSTOMER', party('CUSTOMER').caller, 'FORBIDDEN'],
    ['a RISK_OFFICER', party('RISK_OFFICER').caller, 'FORBIDDEN'],
    ['an ADMIN', party('ADMIN').caller, 'FORBIDDEN'],
    ['anonymous', ANONYMOUS, 'UNAUTHENTICATED'],
  ])('%s may not start one; nothing is written', async (_who, caller, code) => {
    const before = await h.counts();
    const body = await h.gql(START, { input: { participantId: banker.id, subject: 'Hi', body: 'Hi' } }, caller);
    expect(firstError(body).extensions.code).toBe(code);
    expect(await h.counts()).toEqual(before);
  });

  const valid = () => ({ participantId: banker.id, subject: 'Subject', body: 'Body' });
  test.each([
    ['participantId', 'not an id', { participantId: 'not-a-uuid' }],
    ['participantId', 'the caller', { participantId: 'self' }],
    ['subject', 'empty', { subject: '' }],
    ['subject', 'blank', { subject: '   ' }],
    ['subject', '201 characters', { subject: 'x'.repeat(201) }],
    ['body', 'empty', { body: '' }],
    ['body', 'blank', { body: ' \n\t ' }],
    ['body', '4,001 characters', { body: 'x'.repeat(4001) }],
    ['body', 'with NUL', { body: 'a\u0000b' }],
    ['body', 'with a lone surrogate', { body: 'lone \ud800 surrogate' }],
    ['loanApplicationId', 'not an id', { loanApplicationId: '42' }],
  ])('%s %s: BAD_USER_INPUT naming it, nothing written', async (field, _what, change) => {
    const input = { ...valid(), ...change };
    if (input.participantId === 'self') input.participantId = owner.id;
    const before = await h.counts();
    const body = await h.gql(START, { input }, owner.caller);
    const error = firstError(body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.counts()).toEqual(before);
  });
});

describe('sendMessage', () => {
  let conversationId: string;
  beforeAll(async () => {
    conversationId = await startConversation(h, owner, banker);
  });

  test('stores the body exactly as sent: no trimming, no markup interpretation', async () => {
    const text = '<b>hi</b>  ';
    const message = await send(h, owner, conversationId, text);
    expect(message).toMatchObject({ body: text, sender: { id: owner.id }, conversation: { id: conversationId } });
    const [row] = await h.sql<{ body: string }>('select body from messages where id = ?', [message.id]);
    expect(row?.body).toBe(text);
    const again = ok(await h.gql(MESSAGES, { id: conversationId, last: 1 }, banker.caller));
    expect(again.conversation.messages.edges[0].node.body).toBe(text);
  });

  test('4,000 characters is the limit, counted in Unicode characters', async () => {
    const emoji = '😀'.repeat(4000);
    expect((await send(h, owner, conversationId, emoji)).body).toBe(emoji);
    const before = await h.counts();
    const body = await h.gql(SEND, { input: { conversationId, body: `${emoji}!` } }, owner.caller);
    expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(await h.counts()).toEqual(before);
  });

  test.each([
    ['conversationId', 'not an id', { conversationId: 'nope' }],
    ['body', 'empty', { body: '' }],
    ['body', 'blank', { body: '   ' }],
    ['body', '4,001 characters', { body: 'y'.repeat(4001) }],
    ['clientMessageId', 'empty', { clientMessageId: '' }],
    ['clientMessageId', 'with a space', { clientMessageId: 'has space' }],
    ['clientMessageId', '101 characters', { clientMessageId: 'c'.repeat(101) }],
  ])('%s %s: BAD_USER_INPUT naming it, nothing written', async (field, _what, change) => {
    const before = await h.counts();
    const body = await h.gql(SEND, { input: { conversationId, body: 'ok', ...change } }, owner.caller);
    expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.counts()).toEqual(before);
  });

  test('a conversation that does not exist, or that the caller is not in: NOT_FOUND, nothing written', async () => {
    const before = await h.counts();
    for (const [id, caller] of [
      [randomUUID(), owner.caller],
      [conversationId, party('BANKER').caller],
      [conversationId, party('BUSINESS_OWNER').caller],
    ] as const) {
      const body = await h.gql(SEND, { input: { conversationId: id, body: 'hi' } }, caller);
      expect(firstError(body).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'conversationId' });
    }
    expect(firstError(await h.gql(SEND, { input: { conversationId, body: 'hi' } }, ANONYMOUS)).extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(await h.counts()).toEqual(before);
  });

  test('a resend with the same clientMessageId returns the first message and writes nothing', async () => {
    const clientMessageId = randomUUID();
    const first = await send(h, owner, conversationId, 'Once', clientMessageId);
    expect(first.clientMessageId).toBe(clientMessageId);
    const before = await h.counts();
    const again = await send(h, owner, conversationId, 'Once', clientMessageId);
    expect(again.id).toBe(first.id);
    expect(await h.counts()).toEqual(before);
  });

  test('concurrent resends make one message', async () => {
    const clientMessageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => send(h, owner, conversationId, 'Racing', clientMessageId)),
    );
    expect(new Set(results.map((m) => m.id)).size).toBe(1);
    expect(await h.count('messages', 'client_message_id = ?', [clientMessageId])).toBe(1);
    expect(
      await h.count('outbox_events', `type = 'messaging.message.sent' and payload->>'messageId' = ?`, [results[0].id]),
    ).toBe(1);
  });

  test('the same clientMessageId with another body is refused, nothing written', async () => {
    const clientMessageId = randomUUID();
    await send(h, owner, conversationId, 'First', clientMessageId);
    const before = await h.counts();
    const body = await h.gql(SEND, { input: { conversationId, body: 'Second', clientMessageId } }, owner.caller);
    expect(firstError(body).extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'clientMessageId' });
    expect(await h.counts()).toEqual(before);
  });

  test('clientMessageId is per sender and per conversation', async () => {
    const clientMessageId = randomUUID();
    const other = await startConversation(h, owner, banker);
    const a = await send(h, owner, conversationId, 'Same id', clientMessageId);
    const b = await send(h, banker, conversationId, 'Same id', clientMessageId);
    const c = await send(h, owner, other, 'Same id', clientMessageId);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });
});

describe('unread counts and read markers', () => {
  test('count the other side’s unread messages; markConversationRead clears them and fills readBy', async () => {
    const id = await startConversation(h, owner, banker, { body: 'one' });
    await send(h, owner, id, 'two');
    const three = await send(h, owner, id, 'three');
    expect(three.readBy).toEqual([]);
    const unread = async (p: Party) => ok(await h.gql(CONVERSATION, { id }, p.caller)).conversation.unreadCount;
    expect(await unread(banker)).toBe(3);
    expect(await unread(owner)).toBe(0);

    const marked = ok(await h.gql(MARK_READ, { id }, banker.caller)).markConversationRead;
    expect(marked.unreadCount).toBe(0);
    expect(await unread(banker)).toBe(0);
    const page = ok(
      await h.gql(
        `query($id: ID!) { conversation(id: $id) { messages { edges { node { body readBy { id } } } } } }`,
        { id },
        owner.caller,
      ),
    );
    expect(page.conversation.messages.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { body: 'one', readBy: [{ id: banker.id }] },
      { body: 'two', readBy: [{ id: banker.id }] },
      { body: 'three', readBy: [{ id: banker.id }] },
    ]);

    // Replying reads the conversation for the sender; the other side now has one unread.
    await send(h, banker, id, 'four');
    expect(await unread(owner)).toBe(1);
    expect(await unread(banker)).toBe(0);
    await send(h, owner, id, 'five');
    expect(await unread(banker)).toBe(1);
  });

  test('markConversationRead: NOT_FOUND outside the conversation, BAD_USER_INPUT for a malformed id', async () => {
    const id = await startConversation(h, owner, banker);
    const before = await h.counts();
    const outsider = party('BANKER');
    expect(firstError(await h.gql(MARK_READ, { id }, outsider.caller)).extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'conversationId',
    });
    expect(firstError(await h.gql(MARK_READ, { id: 'x' }, banker.caller)).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'conversationId',
    });
    expect(await h.counts()).toEqual(before);
    const [row] = await h.sql<{ n: number }>(
      'select count(*)::int as n from conversation_participants where conversation_id = ? and last_read_seq > 0 and user_id = ?',
      [id, banker.id],
    );
    expect(row?.n).toBe(0);
  });
});

describe('a user’s conversations', () => {
  test('are ordered by their last message, newest first, with unread counts, page by page', async () => {
    const me = await h.user('BUSINESS_OWNER');
    await h.applied(me, banker);
    const a = await startConversation(h, me, banker, { subject: 'A' });
    const b = await startConversation(h, me, banker, { subject: 'B' });
    const c = await startConversation(h, banker, me, { subject: 'C', body: 'from the banker' });
    await send(h, banker, a, 'news on A');

    const list = async (first: number, after?: string) =>
      ok(await h.gql(CONVERSATIONS, { r: [userRef(me)], first, after }, me.caller))._entities[0].conversations;
    const page1 = await list(2);
    expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([a, c]);
    expect(page1.edges.map((e: { node: { unreadCount: number } }) => e.node.unreadCount)).toEqual([1, 1]);
    expect(page1.edges[0].node.lastMessage.body).toBe('news on A');
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await list(2, page1.pageInfo.endCursor);
    expect(page2.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([b]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    await send(h, me, b, 'bump');
    const again = await list(10);
    expect(again.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([b, a, c]);
    // The list reads each conversation's last message and unread count with its page: they follow what happened.
    ok(await h.gql(MARK_READ, { id: a }, me.caller));
    const read = await list(10);
    expect(read.edges.map((e: { node: { unreadCount: number } }) => e.node.unreadCount)).toEqual([0, 0, 1]);
    expect(read.edges.map((e: { node: { lastMessage: { body: string } } }) => e.node.lastMessage.body)).toEqual([
      'bump',
      'news on A',
      'from the banker',
    ]);
  });

  test('bad page arguments are BAD_USER_INPUT', async () => {
    const me = party('BUSINESS_OWNER');
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'garbage' }, 'after'],
    ] as const) {
      const body = await h.gql(CONVERSATIONS, { r: [userRef(me)], ...variables }, me.caller);
      expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('scroll-back through messages', () => {
  test('newest page first, oldest first within a page, `before` goes back until the start', async () => {
    const id = await startConversation(h, owner, banker, { body: 'm0' });
    for (let i = 1; i < 26; i += 1) await send(h, i % 2 ? banker : owner, id, `m${i}`);
    const page = async (last?: number, before?: string) =>
      ok(await h.gql(MESSAGES, { id, last, before }, owner.caller)).conversation.messages;
    const bodies = (p: { edges: { node: { body: string } }[] }) => p.edges.map((e) => e.node.body);

    const newest = await page();
    expect(bodies(newest)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i + 6}`));
    expect(newest.pageInfo).toEqual({ hasPreviousPage: true, startCursor: newest.edges[0].cursor });

    const p1 = await page(10);
    expect(bodies(p1)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 16}`));
    const p2 = await page(10, p1.pageInfo.startCursor);
    expect(bodies(p2)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 6}`));
    const p3 = await page(10, p2.pageInfo.startCursor);
    expect(bodies(p3)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(p3.pageInfo.hasPreviousPage).toBe(false);

    // A message sent while scrolling back does not shift older pages.
    await send(h, owner, id, 'late');
    expect(bodies(await page(10, p1.pageInfo.startCursor))).toEqual(bodies(p2));
  });

  test('bad arguments are BAD_USER_INPUT naming them', async () => {
    const id = await startConversation(h, owner, banker);
    for (const [variables, field] of [
      [{ last: 0 }, 'last'],
      [{ last: 101 }, 'last'],
      [{ before: 'garbage' }, 'before'],
    ] as const) {
      const body = await h.gql(MESSAGES, { id, ...variables }, owner.caller);
      expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
