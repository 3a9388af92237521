/**
 * Notifications made from durable domain events: which events make which
 * notifications, once per event whatever the deliveries (duplicates,
 * concurrent deliveries, a consumer that starts after the events, a restart
 * that replays the stream), their channel deliveries, their live
 * announcement, reading them, and marking them read (one's own only).
 */
import { randomUUID } from 'node:crypto';
import { notificationAddedTopic } from '../src/services/live.ts';
import {
  batchedRecorder,
  handleEvent,
  NOTIFICATION_CONSUMER_GROUP,
  startNotificationConsumer,
} from '../src/services/notification-consumer.ts';
import { statementsSentDuring } from '../../../test/support/statements.ts';
import {
  ANONYMOUS,
  MARK_NOTIFICATIONS_READ,
  MARK_READ,
  NOTIFICATIONS,
  domainEvent,
  firstError,
  ok,
  party,
  RecordingBus,
  send,
  startConversation,
  startMessaging,
  userRef,
  waitFor,
  type MessagingHarness,
  type Party,
} from './support.ts';

let h: MessagingHarness;

beforeAll(async () => {
  h = await startMessaging();
  // Messaging's own events reach the consumer when a test drains the outbox, not on the relay's timer.
  await h.running.outbox?.stop();
});
afterAll(async () => {
  await h?.close();
});

interface Row {
  user_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  event_id: string;
}

const notificationsOfEvent = (eventId: string) =>
  h.sql<Row>('select user_id, kind, title, body, link, event_id from notifications where event_id = ? order by seq', [
    eventId,
  ]);
const processed = async (eventId: string) => (await h.count('processed_events', 'event_id = ?', [eventId])) === 1;

/** Appends events and waits until the consumer has handled every one (it has several in hand at once, in no order). */
async function appendAll(...events: ReturnType<typeof domainEvent>[]): Promise<void> {
  for (const event of events) await h.bus.append(event);
  await waitFor(async () => (await h.bus.consumerLag(NOTIFICATION_CONSUMER_GROUP)) === 0);
}

/** A notification draft of `userId`'s, for tests of the recorder itself. */
const sentDraft = (userId: string) => ({ userId, kind: 'TRANSFER_SENT' as const, title: 't', body: 'b', link: null });

const transfer = (from: string | null, to: string | null, kind = 'TRANSFER') =>
  domainEvent('banking.transaction.posted', {
    transactionId: randomUUID(),
    kind,
    status: 'POSTED',
    amount: '125.50',
    currency: 'USD',
    fromAccountId: randomUUID(),
    toAccountId: randomUUID(),
    fromOwnerId: from,
    toOwnerId: to,
  });

/** A bill of 42.00 USD from `billerName`, due on 2026-12-01. */
const billDue = (userId: string, billId: string, billerName: string) =>
  domainEvent('billing.bill.due', {
    billId,
    userId,
    billerName,
    amount: '42.00',
    currency: 'USD',
    dueDate: '2026-12-01',
  });

describe('events → notifications', () => {
  test('a transfer notifies both sides, queues email, SMS and push for each, and announces them live', async () => {
    const alice = party('CUSTOMER');
    const bob = party('CUSTOMER');
    const heard: unknown[] = [];
    const stop = await h.bus.subscribe(notificationAddedTopic(bob.id), (m) => heard.push(m));
    const event = transfer(alice.id, bob.id);
    await appendAll(event);
    await stop();

    const rows = await notificationsOfEvent(event.id);
    expect(rows).toEqual([
      {
        user_id: alice.id,
        kind: 'TRANSFER_SENT',
        title: 'Transfer sent',
        body: 'Your transfer of 125.50 USD was posted.',
        link: `/transactions/${event.payload.transactionId}`,
        event_id: event.id,
      },
      {
        user_id: bob.id,
        kind: 'TRANSFER_RECEIVED',
        title: 'Money received',
        body: 'You received 125.50 USD by transfer.',
        link: `/transactions/${event.payload.transactionId}`,
        event_id: event.id,
      },
    ]);
    const deliveries = await h.sql<{ user_id: string; channel: string; status: string }>(
      `select d.user_id, d.channel, d.status from notification_deliveries d
         join notifications n on n.id = d.notification_id
        where n.event_id = ? order by d.user_id = ? desc, d.channel`,
      [event.id, alice.id],
    );
    expect(deliveries).toEqual(
      [alice.id, bob.id].flatMap((user_id) =>
        ['EMAIL', 'PUSH', 'SMS'].map((channel) => ({ user_id, channel, status: 'PENDING' })),
      ),
    );
    const [bobs] = await h.sql<{ id: string }>('select id from notifications where user_id = ?', [bob.id]);
    expect(heard).toEqual([{ notificationId: bobs?.id }]);

    const list = ok(await h.gql(NOTIFICATIONS, { r: [userRef(bob)] }, bob.caller))._entities[0].notifications;
    expect(list.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        id: bobs?.id,
        kind: 'TRANSFER_RECEIVED',
        title: 'Money received',
        body: 'You received 125.50 USD by transfer.',
        createdAt: expect.any(String),
        readAt: null,
        link: `/transactions/${event.payload.transactionId}`,
      },
    ]);
  });

  test("an event's live announcements go out together, not each after the one before has been answered", async () => {
    const alice = party('CUSTOMER');
    const bob = party('CUSTOMER');
    // A bus whose publications wait until released: how many the consumer has in flight at once.
    const waiting: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    const bus = new RecordingBus();
    bus.publish = async (topic, message) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight -= 1;
      await RecordingBus.prototype.publish.call(bus, topic, message);
    };
    const handled = handleEvent(transfer(alice.id, bob.id), { orm: h.running.orm, bus, logger: h.logger });
    await waitFor(async () => waiting.length === 2);
    for (const release of waiting) release();
    expect(await handled).toHaveLength(2);
    expect(most).toBe(2);
    expect(bus.published.map((p) => p.topic).sort()).toEqual(
      [notificationAddedTopic(alice.id), notificationAddedTopic(bob.id)].sort(),
    );
    await bus.close();
  });

  test('no notification for other kinds of transactions, nor for the bank’s own accounts', async () => {
    const alice = party('CUSTOMER');
    const deposit = transfer(null, alice.id, 'DEPOSIT');
    const fromBank = transfer(null, alice.id);
    await appendAll(deposit, fromBank);
    expect(await notificationsOfEvent(deposit.id)).toEqual([]);
    expect((await notificationsOfEvent(fromBank.id)).map((n) => [n.user_id, n.kind])).toEqual([
      [alice.id, 'TRANSFER_RECEIVED'],
    ]);
  });

  test('a low balance notifies the account owner', async () => {
    const alice = party('CUSTOMER');
    const accountId = randomUUID();
    const event = domainEvent('banking.balance.low', {
      accountId,
      ownerId: alice.id,
      currency: 'EUR',
      balance: '4.00',
      threshold: '10.00',
      transactionId: randomUUID(),
    });
    await appendAll(event);
    expect(await notificationsOfEvent(event.id)).toEqual([
      expect.objectContaining({
        user_id: alice.id,
        kind: 'LOW_BALANCE',
        body: "An account's balance is 4.00 EUR, below your alert of 10.00 EUR.",
        link: `/accounts/${accountId}`,
      }),
    ]);
  });

  test('a loan application status change notifies the applicant', async () => {
    const owner = party('BUSINESS_OWNER');
    const applicationId = randomUUID();
    const event = domainEvent('lending.application.status_changed', {
      applicationId,
      applicantId: owner.id,
      status: 'UNDER_REVIEW',
    });
    await appendAll(event);
    expect(await notificationsOfEvent(event.id)).toEqual([
      expect.objectContaining({
        user_id: owner.id,
        kind: 'LOAN_APPLICATION_STATUS',
        title: 'Loan application update',
        body: 'Your loan application is now under review.',
        link: `/loan-applications/${applicationId}`,
      }),
    ]);
  });

  test('bills due and paid notify their user', async () => {
    const alice = party('CUSTOMER');
    const billId = randomUUID();
    const due = billDue(alice.id, billId, 'City Water');
    const paid = domainEvent('billing.bill.paid', { billId, userId: alice.id });
    await appendAll(due, paid);
    expect(await notificationsOfEvent(due.id)).toEqual([
      expect.objectContaining({
        kind: 'BILL_DUE',
        body: 'Your bill from City Water of 42.00 USD is due on 2026-12-01.',
        link: `/bills/${billId}`,
      }),
    ]);
    expect(await notificationsOfEvent(paid.id)).toEqual([
      expect.objectContaining({ kind: 'BILL_PAID', body: 'Your bill was paid.', user_id: alice.id }),
    ]);
  });

  test('text PostgreSQL cannot hold (a lone surrogate, a NUL) is stored as U+FFFD or left out, not retried forever', async () => {
    const alice = party('CUSTOMER');
    const billId = randomUUID();
    const due = billDue(alice.id, billId, 'City\ud800 Wa\u0000ter');
    await appendAll(due);
    expect(await notificationsOfEvent(due.id)).toEqual([
      expect.objectContaining({ body: 'Your bill from City\ufffd Water of 42.00 USD is due on 2026-12-01.' }),
    ]);
  });

  test('events of no interest are neither handled nor recorded', async () => {
    const other = domainEvent('banking.account.opened', { accountId: randomUUID(), ownerId: randomUUID() });
    const sentinel = transfer(randomUUID(), null);
    await appendAll(other, sentinel);
    expect(await h.count('processed_events', 'event_id = ?', [other.id])).toBe(0);
  });

  test('a malformed payload makes nothing, is recorded, and does not block the stream', async () => {
    const broken = domainEvent('banking.balance.low', { ownerId: 'not-a-uuid' });
    const next = transfer(randomUUID(), null);
    await appendAll(broken, next);
    expect(await processed(broken.id)).toBe(true);
    expect(await notificationsOfEvent(broken.id)).toEqual([]);
    expect(await notificationsOfEvent(next.id)).toHaveLength(1);
  });
});

describe('once per event', () => {
  test('the same event delivered twice makes one notification', async () => {
    const alice = party('CUSTOMER');
    const event = transfer(alice.id, null);
    await appendAll(event, event, transfer(randomUUID(), null));
    expect(await notificationsOfEvent(event.id)).toHaveLength(1);
    expect(await h.count('notification_deliveries', 'user_id = ?', [alice.id])).toBe(3);
  });

  test('concurrent deliveries of one event make one notification', async () => {
    const alice = party('CUSTOMER');
    const event = transfer(alice.id, null);
    const options = { orm: h.running.orm, bus: h.bus, logger: h.logger };
    const made = await Promise.all(Array.from({ length: 5 }, () => handleEvent(event, options)));
    expect(made.map((m) => m.length).sort()).toEqual([0, 0, 0, 0, 1]);
    expect(await notificationsOfEvent(event.id)).toHaveLength(1);
  });

  test('a consumer restarted from the start of the stream makes nothing twice', async () => {
    const { logger } = h;
    const options = { orm: h.running.orm, bus: h.bus, logger };
    // Stopping the group makes the in-process bus forget its position: the next consumer replays every event.
    await (
      await startNotificationConsumer(options)
    )();
    const tables = ['notifications', 'notification_deliveries', 'processed_events'] as const;
    const before = await h.counts(tables);
    expect(before.processed_events).toBeGreaterThan(5);
    await startNotificationConsumer(options);
    await appendAll(transfer(randomUUID(), null));
    expect(await h.counts(tables)).toEqual({
      notifications: (before.notifications ?? 0) + 1,
      notification_deliveries: (before.notification_deliveries ?? 0) + 3,
      processed_events: (before.processed_events ?? 0) + 1,
    });
  });

  test('the events the consumer has in hand are written by one statement', async () => {
    const bus = new RecordingBus();
    const alice = party('CUSTOMER');
    const bob = party('CUSTOMER');
    const events = Array.from({ length: 8 }, (_, i) => (i % 2 ? transfer(alice.id, bob.id) : transfer(null, bob.id)));
    for (const event of events) await bus.append(event);
    const sent = await statementsSentDuring(async () => {
      const stop = await startNotificationConsumer({ orm: h.running.orm, bus, logger: h.logger });
      await waitFor(
        async () => (await h.count('processed_events', 'event_id in (?)', [events.map((e) => e.id)])) === 8,
      );
      await stop();
    });
    expect(sent.filter((s) => /insert into processed_events/.test(s.sql))).toHaveLength(1);
    expect(await h.count('notifications', 'user_id = ?', [bob.id])).toBe(8);
    expect(await h.count('notifications', 'user_id = ?', [alice.id])).toBe(4);
    expect(await h.count('notification_deliveries', 'user_id = ?', [bob.id])).toBe(24);
    // Each made notification announced live, once.
    expect(bus.published.filter((p) => p.topic === notificationAddedTopic(bob.id))).toHaveLength(8);
    await bus.close();
  });

  test('one event twice in one statement, its id in either case, is written once', async () => {
    const alice = party('CUSTOMER');
    const event = transfer(alice.id, null);
    const draft = sentDraft(alice.id);
    const record = batchedRecorder(h.running.orm);
    const made = await Promise.all([
      record(event, [draft]),
      record({ ...event, id: event.id.toUpperCase() }, [draft]),
      record(event, [draft]),
    ]);
    expect(made).toEqual([[{ id: expect.any(String), userId: alice.id }], undefined, undefined]);
    expect(await notificationsOfEvent(event.id)).toHaveLength(1);
  });

  test('an event the database refuses does not hold back the others written with it', async () => {
    const alice = party('CUSTOMER');
    const good = transfer(alice.id, null);
    const bad = transfer(alice.id, null);
    const draft = sentDraft(alice.id);
    const record = batchedRecorder(h.running.orm);
    const [written, refused] = await Promise.allSettled([
      record(good, [draft]),
      record(bad, [{ ...draft, userId: 'not a user id' }]),
    ]);
    expect(written).toMatchObject({ status: 'fulfilled', value: [{ userId: alice.id }] });
    expect(refused.status).toBe('rejected');
    expect(await notificationsOfEvent(good.id)).toHaveLength(1);
    // Not recorded as handled: the bus delivers it again.
    expect(await processed(bad.id)).toBe(false);
  });

  test('a consumer that starts after the events were appended still makes their notifications', async () => {
    const bus = new RecordingBus();
    const alice = party('CUSTOMER');
    const events = [transfer(alice.id, null), transfer(null, alice.id), transfer(alice.id, null)];
    for (const event of events) await bus.append(event);
    const late = await startMessaging({ bus });
    try {
      await waitFor(async () => (await late.count('notifications', 'user_id = ?', [alice.id])) === 3);
      expect(await late.count('processed_events')).toBe(3);
    } finally {
      await late.close();
    }
  });
});

describe('NEW_MESSAGE', () => {
  let owner: Party;
  let banker: Party;
  const newMessages = (p: Party) =>
    h.sql<{ body: string; link: string }>(
      `select body, link from notifications where user_id = ? and kind = 'NEW_MESSAGE' order by seq`,
      [p.id],
    );
  /** Publishes messaging's outbox and waits until the consumer has handled all of it. */
  async function relay(): Promise<void> {
    await h.drainOutbox();
    const pending = await h.sql<{ id: string }>(
      `select id from outbox_events where type = 'messaging.message.sent'
          and id not in (select event_id from processed_events)`,
    );
    for (const { id } of pending) await waitFor(() => processed(id));
  }

  beforeAll(async () => {
    owner = await h.user('BUSINESS_OWNER');
    banker = await h.user('BANKER');
  });

  test('each other participant gets one, without the message text; the sender gets none', async () => {
    const id = await startConversation(h, owner, banker, { subject: 'Credit line', body: 'secret figures' });
    await relay();
    expect(await newMessages(banker)).toEqual([
      { body: 'You have a new message in "Credit line".', link: `/conversations/${id}` },
    ]);
    expect(await newMessages(owner)).toEqual([]);
  });

  test('none for a message the recipient had already read when the event was handled', async () => {
    const id = await startConversation(h, owner, banker, { subject: 'Read already' });
    await relay();
    const before = (await newMessages(banker)).length;
    await send(h, owner, id, 'seen at once');
    ok(await h.gql(MARK_READ, { id }, banker.caller));
    await relay();
    expect(await newMessages(banker)).toHaveLength(before);
    await send(h, owner, id, 'not seen');
    await relay();
    expect(await newMessages(banker)).toHaveLength(before + 1);
  });
});

describe('reading and marking read', () => {
  let alice: Party;
  let ids: string[];

  beforeAll(async () => {
    alice = party('CUSTOMER');
    const events = Array.from({ length: 5 }, () => transfer(null, alice.id));
    await appendAll(...events);
    const rows = await h.sql<{ id: string }>('select id from notifications where user_id = ? order by seq desc', [
      alice.id,
    ]);
    ids = rows.map((r) => r.id);
  });

  const list = async (variables: Record<string, unknown> = {}) =>
    ok(await h.gql(NOTIFICATIONS, { r: [userRef(alice)], ...variables }, alice.caller))._entities[0].notifications;
  const listed = (page: { edges: { node: { id: string } }[] }) => page.edges.map((e) => e.node.id);

  test('newest first, page by page', async () => {
    const first = await list({ first: 3 });
    expect(listed(first)).toEqual(ids.slice(0, 3));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list({ first: 3, after: first.pageInfo.endCursor });
    expect(listed(second)).toEqual(ids.slice(3));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  test('marks one’s own as read; unreadOnly leaves them out; marking again keeps the first time', async () => {
    const [a, b] = ids as [string, string];
    const marked = ok(await h.gql(MARK_NOTIFICATIONS_READ, { ids: [a, b, a] }, alice.caller)).markNotificationsRead;
    expect(marked.map((n: { id: string }) => n.id)).toEqual([a, b]);
    expect(marked.every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true);
    expect(listed(await list({ unreadOnly: true }))).toEqual(ids.slice(2));
    const again = ok(await h.gql(MARK_NOTIFICATIONS_READ, { ids: [a] }, alice.caller)).markNotificationsRead;
    expect(again[0].readAt).toBe(marked[0].readAt);
  });

  test('someone else’s notifications: NOT_FOUND, and nothing is marked, not even one’s own', async () => {
    const mallory = party('CUSTOMER');
    const snapshot = () => h.sql('select id, read_at from notifications order by id');
    const before = await snapshot();
    expect(firstError(await h.gql(MARK_NOTIFICATIONS_READ, { ids: [ids[4]] }, mallory.caller)).extensions).toEqual(
      expect.objectContaining({ code: 'NOT_FOUND', field: 'ids' }),
    );
    const mine = await h.gql(MARK_NOTIFICATIONS_READ, { ids: [ids[3], randomUUID()] }, alice.caller);
    expect(firstError(mine).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'ids' });
    expect(await snapshot()).toEqual(before);
  });

  test('bad input: BAD_USER_INPUT on ids; anonymous: UNAUTHENTICATED', async () => {
    const tooMany = Array.from({ length: 101 }, () => randomUUID());
    for (const bad of [['nope'], tooMany]) {
      const body = await h.gql(MARK_NOTIFICATIONS_READ, { ids: bad }, alice.caller);
      expect(firstError(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    }
    expect(firstError(await h.gql(MARK_NOTIFICATIONS_READ, { ids: [ids[4]] }, ANONYMOUS)).extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(ok(await h.gql(MARK_NOTIFICATIONS_READ, { ids: [] }, alice.caller)).markNotificationsRead).toEqual([]);
  });
});
