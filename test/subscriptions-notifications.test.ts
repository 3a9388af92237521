/**
 * `notificationAdded` end to end through the router, on both buses (the
 * in-process one of `npm start`, and Redis): a transfer posted by banking
 * goes through its outbox, the relay, the durable stream, messaging's
 * notification consumer and the live publish to the router, which delivers
 * TRANSFER_RECEIVED to the receiver and TRANSFER_SENT to the sender only.
 * Also the cross-subgraph payload of `messageAdded` (sender and participants
 * from identity) checked against a plain query of the same fields, and
 * NEW_MESSAGE notifications from messaging's own outbox.
 */
import { Redis } from 'ioredis';
import type { EventBus } from '../platform/event-bus.ts';
import { createLogger } from '../platform/logger.ts';
import { RedisEventBus } from '../platform/redis-event-bus.ts';
import { deleteStreams, testRedisPrefix, testRedisUrl } from './support/redis.ts';
import { messageAddedTopic } from '../subgraphs/messaging/src/services/live.ts';
import { signUp, startConversation, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { connect, subscribe, until, type Subscription, type WsClient } from './support/ws.ts';

const logger = createLogger({ logLevel: 'silent' }, 'test');

const NOTIFICATION_ADDED = `subscription { notificationAdded { id kind title body link readAt } }`;
const MESSAGE_FIELDS = `id body sentAt clientMessageId sender { id name } readBy { id }
  conversation { id subject loanApplicationId participants { id name } }`;
const MESSAGE_ADDED = `subscription($id: ID!) { messageAdded(conversationId: $id) { ${MESSAGE_FIELDS} } }`;
const LAST_MESSAGE = `query($id: ID!) { conversation(id: $id) { messages(last: 1) { edges { node { ${MESSAGE_FIELDS} } } } } }`;
const MY_NOTIFICATIONS = `query { me { notifications(first: 100) { edges { node { id kind title body link } } } } }`;

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt?: string | null;
}
type User = SignedUp;

type BusKind = 'in-process' | 'redis';

describe.each<BusKind>(['in-process', 'redis'])('notificationAdded over the %s bus', (busKind) => {
  let bank: TestStack;
  let redisBus: RedisEventBus | undefined;
  const clients: WsClient[] = [];

  async function gql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<JsonResponse> {
    return postGraphQL(bank.routerUrl, query, variables, token);
  }

  /** Data of an operation that must succeed. */
  async function ok(query: string, variables: Record<string, unknown>, token?: string) {
    const result = await gql(query, variables, token);
    expect(result.errors).toBeUndefined();
    return result.data as Record<string, unknown>;
  }

  const signUpHere = (name: string, role: string, profile: Record<string, string> = {}): Promise<User> =>
    signUp(bank.routerUrl, name, role, profile);

  async function openAccount(user: User): Promise<string> {
    const data = await ok(
      `mutation($input: OpenAccountInput!) { openAccount(input: $input) { id } }`,
      { input: { type: 'CHECKING', currency: 'USD' } },
      user.token,
    );
    return (data.openAccount as { id: string }).id;
  }

  async function myNotifications(user: User): Promise<Notification[]> {
    const data = await ok(MY_NOTIFICATIONS, {}, user.token);
    const me = data.me as { notifications: { edges: { node: Notification }[] } };
    return me.notifications.edges.map((e) => e.node);
  }

  /** Router subscriptions live now (set up: topics subscribed on the bus). */
  const liveSubscriptions = () => bank.stack.router.subscriptions.stats().subscriptions;

  /** Subscribes and waits until the router has the subscription listening on the bus. */
  async function listen<T>(ws: WsClient, query: string, variables: Record<string, unknown> = {}) {
    const before = liveSubscriptions();
    const sub: Subscription<T> = subscribe<T>(ws, query, variables);
    await until(() => liveSubscriptions() > before, 10_000, 'subscription set up');
    return sub;
  }

  function track(ws: WsClient): WsClient {
    clients.push(ws);
    return ws;
  }

  beforeAll(async () => {
    let bus: EventBus | undefined;
    if (busKind === 'redis') {
      redisBus = new RedisEventBus({ url: testRedisUrl(), keyPrefix: testRedisPrefix(), logger, blockMs: 200 });
      bus = redisBus;
    }
    try {
      bank = await startTestStack({}, bus ? { bus } : {});
    } catch (error) {
      await redisBus?.close();
      throw error;
    }
  });

  afterAll(async () => {
    for (const ws of clients) await ws.dispose().catch(() => undefined);
    await bank?.close();
    if (redisBus) {
      const admin = new Redis(testRedisUrl());
      await deleteStreams(admin, redisBus.stream);
      await admin.quit();
    }
  });

  test('a transfer notifies the receiver (TRANSFER_RECEIVED) and the sender (TRANSFER_SENT) live, nobody else', async () => {
    const alice = await signUpHere('alice', 'CUSTOMER');
    const bob = await signUpHere('bob', 'CUSTOMER');
    const carol = await signUpHere('carol', 'CUSTOMER');
    const from = await openAccount(alice);
    const to = await openAccount(bob);
    await ok(
      `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
      { input: { accountId: from, amount: '100.00', idempotencyKey: 'dep-1' } },
      alice.token,
    );

    type Payload = { notificationAdded: Notification };
    const toBob = await listen<Payload>(track(connect(bank.routerUrl, bob.token)), NOTIFICATION_ADDED);
    const toAlice = await listen<Payload>(track(connect(bank.routerUrl, alice.token)), NOTIFICATION_ADDED);
    const toCarol = await listen<Payload>(track(connect(bank.routerUrl, carol.token)), NOTIFICATION_ADDED);

    const transfer = await ok(
      `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
      { input: { fromAccountId: from, toAccountId: to, amount: '30.25', idempotencyKey: 'tr-1' } },
      alice.token,
    );
    const transactionId = (transfer.transfer as { id: string }).id;

    const received = await toBob.next(15_000);
    expect(received.errors).toBeUndefined();
    expect(received.data?.notificationAdded).toEqual({
      id: expect.any(String),
      kind: 'TRANSFER_RECEIVED',
      title: 'Money received',
      body: 'You received 30.25 USD by transfer.',
      link: `/transactions/${transactionId}`,
      readAt: null,
    });
    const sent = await toAlice.next(15_000);
    expect(sent.errors).toBeUndefined();
    expect(sent.data?.notificationAdded).toMatchObject({
      kind: 'TRANSFER_SENT',
      title: 'Transfer sent',
      body: 'Your transfer of 30.25 USD was posted.',
      link: `/transactions/${transactionId}`,
    });
    // One event each, nothing for the third user.
    expect(await toCarol.nothingWithin(1_000)).toBe(true);
    expect(await toBob.nothingWithin(300)).toBe(true);
    expect(await toAlice.nothingWithin(300)).toBe(true);

    // The live payload is the stored notification, as a plain query returns it.
    const bobs = await myNotifications(bob);
    expect(bobs).toEqual([
      expect.objectContaining({ id: received.data?.notificationAdded.id, kind: 'TRANSFER_RECEIVED' }),
    ]);
    expect((await myNotifications(alice)).map((n) => n.id)).toEqual([sent.data?.notificationAdded.id]);
    expect(await myNotifications(carol)).toEqual([]);
    for (const sub of [toBob, toAlice, toCarol]) await sub.stop();
  });

  test('an anonymous connection may not subscribe to notificationAdded', async () => {
    const ws = track(connect(bank.routerUrl));
    const refused = await subscribe(ws, NOTIFICATION_ADDED).next();
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  describe('chat', () => {
    let owner: User;
    let banker: User;
    let conversationId: string;

    beforeAll(async () => {
      owner = await signUpHere('olive', 'BUSINESS_OWNER', { businessName: 'Olive Oil Co' });
      banker = await signUpHere('bruno', 'BANKER', { institution: 'Bank Supergraph' });
      conversationId = await startConversation(bank.routerUrl, owner.token, {
        participantId: banker.id,
        subject: 'Credit line',
        body: 'Hello',
      });
    });

    /**
     * NEW_MESSAGE notifications are made asynchronously (outbox, stream): waits until messaging has
     * handled every message sent so far, so that a check sees only what it causes.
     */
    async function settled(): Promise<void> {
      const db = bank.stack.subgraphs.messaging!.orm.em.getConnection();
      await until(
        async () => {
          const [row] = await db.execute<{ sent: number; handled: number }[]>(
            `select (select count(*)::int from messages) as sent,
                    (select count(*)::int from processed_events where type = 'messaging.message.sent') as handled`,
          );
          return row !== undefined && row.sent === row.handled;
        },
        15_000,
        'every message handled by the notification consumer',
      );
    }

    const kindsOf = async (user: User): Promise<string[]> => (await myNotifications(user)).map((n) => n.kind);
    /** Waits until the router has recorded (or released) `user`'s presence on a conversation. */
    const untilWatching = (user: User, conversation: string, watching: boolean) =>
      until(
        async () => (await bank.stack.bus.isWatching(user.id, messageAddedTopic(conversation))) === watching,
        5_000,
        `presence ${watching ? 'recorded' : 'released'}`,
      );
    const send = (body: string) =>
      ok(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
        { input: { conversationId, body } },
        owner.token,
      );

    test('messageAdded carries fields of identity (sender, participants) exactly as a plain query does', async () => {
      await settled();
      type Payload = { messageAdded: Record<string, unknown> };
      const sub = await listen<Payload>(track(connect(bank.routerUrl, banker.token)), MESSAGE_ADDED, {
        id: conversationId,
      });
      await ok(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
        { input: { conversationId, body: '<b>not markup</b> & rates?', clientMessageId: 'c-1' } },
        owner.token,
      );
      const event = await sub.next(10_000);
      expect(event.errors).toBeUndefined();
      expect(event.data?.messageAdded).toMatchObject({
        body: '<b>not markup</b> & rates?',
        clientMessageId: 'c-1',
        sender: { id: owner.id, name: 'olive' },
        readBy: [],
        conversation: {
          id: conversationId,
          subject: 'Credit line',
          loanApplicationId: null,
          participants: [
            { id: owner.id, name: 'olive' },
            { id: banker.id, name: 'bruno' },
          ],
        },
      });
      // Same shape, same values as the same fields through a query.
      const query = await ok(LAST_MESSAGE, { id: conversationId }, banker.token);
      const conversation = query.conversation as { messages: { edges: { node: unknown }[] } };
      expect(event.data?.messageAdded).toEqual(conversation.messages.edges[0]?.node);
      await sub.stop();
      await untilWatching(banker, conversationId, false);
    });

    test('a new message notifies the other participant (NEW_MESSAGE), not the sender', async () => {
      await settled();
      type Payload = { notificationAdded: Notification };
      const toBanker = await listen<Payload>(track(connect(bank.routerUrl, banker.token)), NOTIFICATION_ADDED);
      const toOwner = await listen<Payload>(track(connect(bank.routerUrl, owner.token)), NOTIFICATION_ADDED);
      await ok(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
        { input: { conversationId, body: 'Any news?' } },
        owner.token,
      );
      const event = await toBanker.next(15_000);
      expect(event.errors).toBeUndefined();
      expect(event.data?.notificationAdded).toMatchObject({
        kind: 'NEW_MESSAGE',
        link: `/conversations/${conversationId}`,
      });
      // Never the message's contents in a notification.
      expect(event.data?.notificationAdded.body).not.toContain('Any news?');
      expect(await toOwner.nothingWithin(1_000)).toBe(true);
      await toBanker.stop();
      await toOwner.stop();
    });

    test('no NEW_MESSAGE while the recipient watches the conversation live; one again once they stop', async () => {
      await settled();
      const before = (await kindsOf(banker)).length;
      type Payload = { messageAdded: { body: string } };
      const watching = await listen<Payload>(track(connect(bank.routerUrl, banker.token)), MESSAGE_ADDED, {
        id: conversationId,
      });
      await untilWatching(banker, conversationId, true);
      await send('Seen live');
      expect((await watching.next(10_000)).data?.messageAdded.body).toBe('Seen live');
      await settled();
      expect(await kindsOf(banker)).toHaveLength(before);

      // The subscription ends: the presence goes with it.
      await watching.stop();
      await untilWatching(banker, conversationId, false);
      await send('Seen later');
      await settled();
      const after = await kindsOf(banker);
      expect(after).toHaveLength(before + 1);
      expect(after[0]).toBe('NEW_MESSAGE');
    });

    test('watching another conversation does not count', async () => {
      const other = await startConversation(bank.routerUrl, owner.token, {
        participantId: banker.id,
        subject: 'Equipment',
        body: 'Another topic',
      });
      await settled();
      const before = (await kindsOf(banker)).length;
      const elsewhere = await listen(track(connect(bank.routerUrl, banker.token)), MESSAGE_ADDED, { id: other });
      await send('Not in the watched one');
      await settled();
      expect(await kindsOf(banker)).toHaveLength(before + 1);
      await elsewhere.stop();
      await untilWatching(banker, other, false);
    });
  });
});
