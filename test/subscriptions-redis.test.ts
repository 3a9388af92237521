/**
 * Horizontal scaling over one Redis, end to end: identity and banking, TWO
 * messaging instances and TWO routers (router A → messaging 1, router B →
 * messaging 2), each process with its own RedisEventBus on the same Redis
 * and key prefix, over one set of databases.
 *
 * - A message sent through either router reaches the subscribers of both.
 * - A notification made by whichever messaging instance consumes the event
 *   (one consumer group for both) reaches the user's subscriptions on both
 *   routers.
 * - Down consumer: with every messaging instance stopped, a transfer is
 *   relayed by banking to the durable stream and waits there; a messaging
 *   instance started later makes its notifications, once, and a restart that
 *   reads the whole stream again makes none twice.
 */
import { Redis } from 'ioredis';
import { loadSubgraph } from '../bin/subgraphs.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { RedisEventBus } from '../platform/redis-event-bus.ts';
import { startSubgraph, type RunningSubgraph } from '../platform/subgraph.ts';
import { startRouter, type RunningRouter } from '../router/src/router.ts';
import { messageAddedTopic } from '../subgraphs/messaging/src/services/live.ts';
import { NOTIFICATION_CONSUMER_GROUP } from '../subgraphs/messaging/src/services/notification-consumer.ts';
import { createTestDatabases, type TestDatabases } from './support/databases.ts';
import { deleteStreams, testRedisPrefix, testRedisUrl } from './support/redis.ts';
import { signUp, startConversation, type SignedUp } from './support/people.ts';
import { postGraphQL, testEnv, type JsonResponse } from './support/stack.ts';
import { connect, subscribe, until, type Subscription, type WsClient } from './support/ws.ts';

const logger = createLogger({ logLevel: 'silent' }, 'test');
const keyPrefix = testRedisPrefix();
/** The stream of banking's events (a transfer's), which the notification consumer reads among others. */
const BANKING_STREAM = `${keyPrefix}bank:events:banking`;

let databases: TestDatabases | undefined;
let config: Config;
let admin: Redis;
let identityUrl: string;
let bankingUrl: string;
let routerA: RunningRouter;
let routerB: RunningRouter;
let messaging1: RunningSubgraph;
let messaging2: RunningSubgraph;
/** What afterAll stops, last started first; each entry stops once. */
const running: { name: string; stop: () => Promise<void> }[] = [];
const clients: WsClient[] = [];

/** Registers something to stop in afterAll; the returned function stops it now (once). */
function own(name: string, close: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= close());
  running.push({ name, stop });
  return stop;
}

/** A RedisEventBus of its own, as one process would have, on the file's key prefix. */
function newBus(name: string): RedisEventBus {
  const bus = new RedisEventBus({
    url: testRedisUrl(),
    keyPrefix,
    logger,
    connectionName: `test-${name}`,
    blockMs: 200,
  });
  own(`${name} bus`, () => bus.close());
  return bus;
}

const stoppers = new Map<RunningSubgraph, () => Promise<void>>();

/** Starts a messaging instance with its own bus (on `port`, or a free one). */
async function startMessaging(name: string, port = 0): Promise<RunningSubgraph> {
  const bus = newBus(name);
  const subgraph = await startSubgraph(await loadSubgraph('messaging'), { config, logger, bus, port });
  // The process goes away: the subgraph (its consumer, its relay), then its bus.
  stoppers.set(
    subgraph,
    own(name, async () => {
      await subgraph.close();
      await bus.close();
    }),
  );
  return subgraph;
}

async function stopMessaging(subgraph: RunningSubgraph): Promise<void> {
  await stoppers.get(subgraph)?.();
}

async function startRouterFor(name: string, messaging: RunningSubgraph): Promise<RunningRouter> {
  const router = await startRouter({
    config,
    logger,
    bus: newBus(name),
    port: 0,
    subgraphUrls: { identity: identityUrl, banking: bankingUrl, messaging: messaging.url },
  });
  own(name, () => router.close());
  return router;
}

beforeAll(async () => {
  admin = new Redis(testRedisUrl());
  own('redis admin', async () => {
    await deleteStreams(admin, `${keyPrefix}bank:events`);
    await admin.quit();
  });
  databases = await createTestDatabases(['identity', 'banking', 'messaging']);
  config = loadConfig(testEnv(databases.urls));
  for (const name of ['identity', 'banking'] as const) {
    const bus = newBus(name);
    const subgraph = await startSubgraph(await loadSubgraph(name), { config, logger, bus, port: 0 });
    own(name, () => subgraph.close());
    if (name === 'identity') identityUrl = subgraph.url;
    else bankingUrl = subgraph.url;
  }
  messaging1 = await startMessaging('messaging-1');
  messaging2 = await startMessaging('messaging-2');
  routerA = await startRouterFor('router-a', messaging1);
  routerB = await startRouterFor('router-b', messaging2);
}, 60_000);

afterAll(async () => {
  for (const ws of clients) await ws.dispose().catch(() => undefined);
  for (const { name, stop } of running.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`stopping ${name} failed`, error);
    }
  }
  await databases?.drop();
}, 60_000);

type User = SignedUp;

async function ok(router: RunningRouter, query: string, variables: Record<string, unknown>, token?: string) {
  const result: JsonResponse = await postGraphQL(router.url, query, variables, token);
  expect(result.errors).toBeUndefined();
  return result.data as Record<string, unknown>;
}

/** A user signed up through router A. */
async function signUpA(name: string, role: string, profile: Record<string, string> = {}): Promise<User> {
  return signUp(routerA.url, name, role, profile);
}

async function openAccount(user: User): Promise<string> {
  const data = await ok(
    routerA,
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) { id } }`,
    { input: { type: 'CHECKING', currency: 'USD' } },
    user.token,
  );
  return (data.openAccount as { id: string }).id;
}

/** Subscribes through `router` and waits until the router listens on the bus for it. */
async function listen<T>(router: RunningRouter, token: string, query: string, variables: Record<string, unknown> = {}) {
  const ws = connect(router.url, token);
  clients.push(ws);
  const before = router.subscriptions.stats().subscriptions;
  const sub: Subscription<T> = subscribe<T>(ws, query, variables);
  await until(() => router.subscriptions.stats().subscriptions > before, 10_000, 'subscription set up');
  return sub;
}

async function numsub(channel: string): Promise<number> {
  const reply = (await admin.pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

interface Notification {
  id: string;
  kind: string;
  link: string | null;
}

async function notificationsOf(router: RunningRouter, user: User): Promise<Notification[]> {
  const data = await ok(
    router,
    `query { me { notifications(first: 100) { edges { node { id kind link } } } } }`,
    {},
    user.token,
  );
  return (data.me as { notifications: { edges: { node: Notification }[] } }).notifications.edges.map((e) => e.node);
}

const MESSAGE_ADDED = `subscription($id: ID!) { messageAdded(conversationId: $id) { id body sender { id name } } }`;
const NOTIFICATION_ADDED = `subscription { notificationAdded { id kind link } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;

test('a message sent through either router reaches subscribers on both routers', async () => {
  const owner = await signUpA('olive', 'BUSINESS_OWNER', { businessName: 'Olive Oil Co' });
  const banker = await signUpA('bruno', 'BANKER', { institution: 'Bank Supergraph' });
  const conversationId = await startConversation(routerA.url, owner.token, {
    participantId: banker.id,
    subject: 'Two routers',
    body: 'Hello',
  });

  type Payload = { messageAdded: { id: string; body: string; sender: { id: string; name: string } } };
  const variables = { id: conversationId };
  const onA = await listen<Payload>(routerA, banker.token, MESSAGE_ADDED, variables);
  const onB = await listen<Payload>(routerB, owner.token, MESSAGE_ADDED, variables);
  const alsoOnB = await listen<Payload>(routerB, banker.token, MESSAGE_ADDED, variables);
  // One Redis subscription per router process (its bus), whatever the number of its subscribers.
  expect(await numsub(`${keyPrefix}${messageAddedTopic(conversationId)}`)).toBe(2);

  const first = await ok(routerA, SEND, { input: { conversationId, body: 'through router A' } }, owner.token);
  const second = await ok(routerB, SEND, { input: { conversationId, body: 'through router B' } }, banker.token);
  const expected = [
    {
      id: (first.sendMessage as { id: string }).id,
      body: 'through router A',
      sender: { id: owner.id, name: 'olive' },
    },
    {
      id: (second.sendMessage as { id: string }).id,
      body: 'through router B',
      sender: { id: banker.id, name: 'bruno' },
    },
  ];
  for (const sub of [onA, onB, alsoOnB]) {
    const got = [await sub.next(10_000), await sub.next(10_000)];
    expect(got.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(got.map((r) => r.data?.messageAdded)).toEqual(expected);
    expect(await sub.nothingWithin(300)).toBe(true);
  }
  for (const sub of [onA, onB, alsoOnB]) await sub.stop();
});

test('a notification made by either messaging instance reaches the user on both routers', async () => {
  const alice = await signUpA('alice', 'CUSTOMER');
  const bob = await signUpA('bob', 'CUSTOMER');
  const from = await openAccount(alice);
  const to = await openAccount(bob);
  await ok(
    routerB,
    `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
    { input: { accountId: from, amount: '500.00', idempotencyKey: 'dep-1' } },
    alice.token,
  );
  type Payload = { notificationAdded: Notification };
  const bobOnA = await listen<Payload>(routerA, bob.token, NOTIFICATION_ADDED);
  const bobOnB = await listen<Payload>(routerB, bob.token, NOTIFICATION_ADDED);
  const transfer = await ok(
    routerB,
    `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
    { input: { fromAccountId: from, toAccountId: to, amount: '12.00', idempotencyKey: 'tr-1' } },
    alice.token,
  );
  const link = `/transactions/${(transfer.transfer as { id: string }).id}`;
  const onA = await bobOnA.next(15_000);
  const onB = await bobOnB.next(15_000);
  expect(onA.errors).toBeUndefined();
  expect(onA.data?.notificationAdded).toMatchObject({ kind: 'TRANSFER_RECEIVED', link });
  // The same notification (made once, by one of the two instances), delivered through both routers.
  expect(onB.data?.notificationAdded).toEqual(onA.data?.notificationAdded);
  expect(await bobOnA.nothingWithin(500)).toBe(true);
  expect(await bobOnB.nothingWithin(100)).toBe(true);
  await bobOnA.stop();
  await bobOnB.stop();
});

/** The consumer group's position and pending count on the stream. */
async function groupState(): Promise<{ lastDelivered: string; pending: number }> {
  const groups = (await admin.xinfo('GROUPS', BANKING_STREAM)) as unknown[][];
  const group = groups.find((g) => g[g.indexOf('name') + 1] === NOTIFICATION_CONSUMER_GROUP);
  if (!group) throw new Error('no consumer group');
  return {
    lastDelivered: String(group[group.indexOf('last-delivered-id') + 1]),
    pending: Number(group[group.indexOf('pending') + 1]),
  };
}

/** Orders stream ids (`ms-seq`). */
function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

async function lastStreamId(): Promise<string> {
  const [entry] = (await admin.xrevrange(BANKING_STREAM, '+', '-', 'COUNT', 1)) as [string, string[]][];
  if (!entry) throw new Error('empty stream');
  return entry[0];
}

test('a transfer made while every messaging instance is down is notified once when one comes back', async () => {
  const carl = await signUpA('carl', 'CUSTOMER');
  const dana = await signUpA('dana', 'CUSTOMER');
  const from = await openAccount(carl);
  const to = await openAccount(dana);
  await ok(
    routerA,
    `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
    { input: { accountId: from, amount: '80.00', idempotencyKey: 'dep-2' } },
    carl.token,
  );
  // Everything before the stop has been handled.
  await until(
    async () => {
      const state = await groupState();
      return state.pending === 0 && compareIds(state.lastDelivered, await lastStreamId()) >= 0;
    },
    15_000,
    'consumers caught up',
  );

  const messagingPort = messaging1.port;
  await stopMessaging(messaging1);
  await stopMessaging(messaging2);

  // Banking is up: the transfer commits and its relay appends the event to the stream.
  const transfer = await ok(
    routerA,
    `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
    { input: { fromAccountId: from, toAccountId: to, amount: '7.50', idempotencyKey: 'tr-2' } },
    carl.token,
  );
  const transactionId = (transfer.transfer as { id: string }).id;
  let entryId = '';
  await until(
    async () => {
      const entries = (await admin.xrange(BANKING_STREAM, '-', '+')) as [string, string[]][];
      const found = entries.find(([, fields]) => fields[1]?.includes(transactionId));
      entryId = found?.[0] ?? '';
      return found !== undefined;
    },
    10_000,
    'transfer event in the stream',
  );
  // Nobody has read it.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(compareIds((await groupState()).lastDelivered, entryId)).toBeLessThan(0);

  // A messaging instance comes back where router A expects it.
  const link = `/transactions/${transactionId}`;
  const back = await startMessaging('messaging-1-again', messagingPort);
  const received = async () => (await notificationsOf(routerA, dana)).filter((n) => n.link === link);
  await until(async () => (await received()).length > 0, 15_000, 'notification after restart');
  expect((await received()).map((n) => n.kind)).toEqual(['TRANSFER_RECEIVED']);
  const sent = (await notificationsOf(routerA, carl)).filter((n) => n.link === link);
  expect(sent.map((n) => n.kind)).toEqual(['TRANSFER_SENT']);

  // Restart again, and make the group read the whole stream again: each event is delivered a second
  // time, and the consumer (idempotent by event id) makes nothing new.
  await until(async () => (await groupState()).pending === 0, 10_000, 'event acknowledged');
  await stopMessaging(back);
  await admin.xgroup('SETID', BANKING_STREAM, NOTIFICATION_CONSUMER_GROUP, '0');
  const last = await lastStreamId();
  await startMessaging('messaging-1-third', messagingPort);
  await until(
    async () => {
      const state = await groupState();
      return state.pending === 0 && compareIds(state.lastDelivered, last) >= 0;
    },
    15_000,
    'stream read again',
  );
  expect((await received()).map((n) => n.kind)).toEqual(['TRANSFER_RECEIVED']);
  expect((await notificationsOf(routerA, carl)).filter((n) => n.link === link)).toHaveLength(1);
  // Nor for the earlier events: the receiver has this one notification and no other.
  expect(await notificationsOf(routerA, dana)).toHaveLength(1);
});
