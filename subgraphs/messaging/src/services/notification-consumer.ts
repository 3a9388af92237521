/**
 * The notification consumer: reads the durable stream of domain events as
 * the `messaging-notifications` consumer group and turns them into
 * notifications.
 *
 * - Durable: events appended while no consumer runs are delivered when one
 *   starts (the bus keeps the group's position).
 * - Idempotent by event id: the event's row in `processed_events` is inserted
 *   by the same SQL statement as its notifications and their channel
 *   deliveries (one atomic write, no ORM unit of work); a second delivery of
 *   the event (a retry, a crash before the acknowledgement, another instance)
 *   finds it and makes nothing.
 * - Several at once: it takes up to {@link NOTIFICATION_CONCURRENCY} events
 *   from the bus together, and those that reach their write in one tick are
 *   written by one statement (one round trip for a read of events, where one
 *   each fell behind a bank's rate of transfers).
 * - Delivered through an outbox: each notification gets one PENDING row per
 *   channel (email, SMS, push) in `notification_deliveries`, written with it,
 *   for a real provider (an email service, an SMS gateway, a push service) to
 *   drain and mark SENT or FAILED. No provider ships with this repository;
 *   calling one from here would be wrong, since the write may still fail.
 * - Live: once written, each new notification is published on its user's
 *   `notificationAdded` topic.
 *
 * NEW_MESSAGE: a recipient gets one while they are not subscribed to that
 * conversation. Subscriptions live in the routers, which record on the bus
 * who watches which topic (`EventBus.watch`); a recipient watching the
 * conversation's `messageAdded` topic when the event is handled gets none,
 * nor does one who has already read the conversation up to that message.
 */
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import type { DomainEvent, EventBus, Unsubscribe } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { sqlParams, type MikroORM } from '../../../../platform/orm.ts';
import { Conversation, DELIVERY_CHANNELS, Message, Participant } from '../entities/index.ts';
import { publishLive } from '../../../../platform/subscriptions.ts';
import { messageAddedTopic, notificationAddedTopic, type NotificationAddedEvent } from './live.ts';
import {
  draftsFor,
  EVENT_TYPES,
  HANDLED_EVENT_TYPES,
  messageSentPayload,
  newMessageDraft,
  type NotificationDraft,
} from './notification-rules.ts';

/** The consumer group of the notification consumer on the durable stream. */
export const NOTIFICATION_CONSUMER_GROUP = 'messaging-notifications';

export interface NotificationConsumerOptions {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
}

/** A notification the consumer has just made. */
export interface MadeNotification {
  id: string;
  userId: string;
}

/**
 * Events the consumer has in hand at once (their notifications are written
 * together: {@link batchedRecorder}). Fewer than a read of the Redis bus (50):
 * a message's event reads the database before its write, and a burst of them
 * should not queue more reads than the pool has connections (10 by default)
 * ahead of users' requests.
 */
export const NOTIFICATION_CONCURRENCY = 16;

/** Starts consuming the stream; the returned function stops it. */
export async function startNotificationConsumer(options: NotificationConsumerOptions): Promise<Unsubscribe> {
  const handling = { ...options, record: batchedRecorder(options.orm) };
  return options.bus.consume(
    NOTIFICATION_CONSUMER_GROUP,
    async (event) => {
      await handleEvent(event, handling);
    },
    { concurrency: NOTIFICATION_CONCURRENCY, types: [...HANDLED_EVENT_TYPES] },
  );
}

const envelope = z.object({ id: z.uuid(), type: z.string().min(1).max(200) });

/**
 * Handles one event: makes its notifications once. Returns the notifications
 * made now (none for an event already handled or of no interest). Throws only
 * on a transient failure (the database), so the bus delivers the event again.
 */
export async function handleEvent(
  event: DomainEvent,
  options: NotificationConsumerOptions & { record?: Recorder },
): Promise<MadeNotification[]> {
  const { orm, bus, logger, record = recordOne(orm) } = options;
  if (!HANDLED_EVENT_TYPES.has(event.type)) return [];
  if (!envelope.safeParse(event).success) {
    logger.error({ eventType: event.type }, 'notification consumer: event without a valid id, skipped');
    return [];
  }
  let drafts: NotificationDraft[] = [];
  let malformed: z.ZodError | undefined;
  try {
    drafts = await draftsOf(orm, event, bus);
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    // A malformed payload never gets better: record the event as handled, make nothing.
    malformed = error;
  }
  const made = await record(event, drafts);
  if (made === undefined) return [];
  if (malformed) {
    logger.error(
      { eventId: event.id, eventType: event.type, issues: malformed.issues },
      'notification consumer: malformed payload, no notification made',
    );
  }
  // Every user's live event at once (live events are at most once, in no order between users): one round
  // trip to the bus for the event's notifications, not one each.
  await Promise.all(
    made.map((notification) => {
      const live: NotificationAddedEvent = { notificationId: notification.id };
      return publishLive(bus, logger, notificationAddedTopic(notification.userId), live);
    }),
  );
  return made;
}

/** The delivery channels as the rows of a `values` list (constants, written into the statement once). */
const CHANNEL_ROWS = DELIVERY_CHANNELS.map((c) => `('${c}')`).join(', ');

/**
 * One statement, hence one atomic write with no transaction around it, for
 * one event or several: records each event as handled and, only for those
 * whose row is new, inserts their notifications (in the drafts' order) and
 * one PENDING delivery per notification and channel. `on conflict do
 * nothing` makes a concurrent delivery of the same event wait for this
 * statement and then find the row. Data-modifying `with` clauses run to
 * completion whether or not the final select reads them; it returns the
 * events claimed.
 */
const RECORD = `
  with claimed as (
    insert into processed_events (event_id, type, processed_at)
      select e.event_id, e.type, cast(? as timestamptz)
        from jsonb_to_recordset(cast(? as jsonb)) as e(event_id uuid, type text)
      on conflict (event_id) do nothing returning event_id
  ), made as (
    insert into notifications (id, user_id, kind, title, body, link, event_id, created_at, read_at)
      select d.id, d.user_id, d.kind, d.title, d.body, d.link, c.event_id, cast(? as timestamptz), null
        from rows from (
          jsonb_to_recordset(cast(? as jsonb))
            as (event_id uuid, id uuid, user_id uuid, kind text, title text, body text, link text)
        ) with ordinality as d(event_id, id, user_id, kind, title, body, link, n)
        join claimed c on c.event_id = d.event_id
        order by d.n
      returning id, user_id, created_at
  ), queued as (
    insert into notification_deliveries (id, notification_id, user_id, channel, status, attempts, created_at, sent_at)
      select gen_random_uuid(), m.id, m.user_id, ch.channel, 'PENDING', 0, m.created_at, null
        from made m cross join (values ${CHANNEL_ROWS}) as ch(channel)
  )
  select event_id from claimed`;

/**
 * Text as PostgreSQL can hold it: a lone surrogate becomes U+FFFD (as the
 * driver would store it in a column, but jsonb refuses it) and a NUL, which
 * `text` cannot hold, is left out. Drafts quote other subgraphs' data (a
 * biller's name); an event that can never be written would be retried
 * forever.
 */
const storable = (text: string): string => text.toWellFormed().replaceAll('\0', '');

/** An event to record with its drafts. */
interface Recording {
  event: DomainEvent;
  drafts: NotificationDraft[];
}

/**
 * Writes an event's notifications once (see {@link RECORD}); resolves to
 * undefined when the event was already handled.
 */
export type Recorder = (event: DomainEvent, drafts: NotificationDraft[]) => Promise<MadeNotification[] | undefined>;

/** A recorder writing each event in a statement of its own. */
const recordOne =
  (orm: MikroORM): Recorder =>
  async (event, drafts) =>
    (await recordAll(orm, [{ event, drafts }]))[0];

/**
 * A recorder writing the events handed to it in one tick in one statement
 * (the consumer's events in hand, {@link NOTIFICATION_CONCURRENCY}). When
 * that statement fails, each event is written on its own, so that one event
 * the database refuses does not hold back the others.
 */
export function batchedRecorder(orm: MikroORM): Recorder {
  const loader = new DataLoader<Recording, MadeNotification[] | undefined>(
    async (recordings) => {
      if (recordings.length === 1) return recordAll(orm, recordings);
      try {
        return await recordAll(orm, recordings);
      } catch {
        return Promise.all(
          recordings.map((r) =>
            recordAll(orm, [r]).then(
              ([made]) => made,
              (error: Error) => error,
            ),
          ),
        );
      }
    },
    { cache: false },
  );
  return (event, drafts) => loader.load({ event, drafts });
}

/**
 * Writes the recordings' notifications in one statement; for each, the
 * notifications made, or undefined when its event had been handled before
 * (or comes twice: the first is the one written).
 */
async function recordAll(orm: MikroORM, recordings: readonly Recording[]): Promise<(MadeNotification[] | undefined)[]> {
  const now = new Date();
  // Each recording's event id as PostgreSQL reads a uuid back (in lower case); the first recording of each is written.
  const keyed = recordings.map((r) => [r.event.id.toLowerCase(), r] as const);
  const firsts = new Map<string, Recording>();
  for (const [eventId, r] of keyed) if (!firsts.has(eventId)) firsts.set(eventId, r);
  const made = new Map<string, MadeNotification[]>();
  const rows = [...firsts].flatMap(([eventId, r]) => {
    const own = r.drafts.map((d) => ({
      event_id: eventId,
      id: randomUUID(),
      user_id: d.userId,
      kind: d.kind,
      title: storable(d.title),
      body: storable(d.body),
      link: d.link === null ? null : storable(d.link),
    }));
    made.set(
      eventId,
      own.map((row) => ({ id: row.id, userId: row.user_id })),
    );
    return own;
  });
  // Claimed in the order of their ids: two statements claiming the same events take their locks in one order.
  const events = [...firsts]
    .map(([eventId, r]) => ({ event_id: eventId, type: r.event.type }))
    .sort((x, y) => (x.event_id < y.event_id ? -1 : 1));
  const claimed = await sqlParams<{ event_id: string }>(orm.em.fork(), RECORD, [
    now,
    JSON.stringify(events),
    now,
    JSON.stringify(rows),
  ]);
  const written = new Set(claimed.map((c) => c.event_id));
  return keyed.map(([eventId, r]) =>
    firsts.get(eventId) === r && written.has(eventId) ? made.get(eventId) : undefined,
  );
}

async function draftsOf(orm: MikroORM, event: DomainEvent, bus: EventBus): Promise<NotificationDraft[]> {
  if (event.type !== EVENT_TYPES.messageSent) return draftsFor(event);
  const p = messageSentPayload.parse(event.payload);
  const em = orm.em.fork();
  const message = await em.findOne(Message, { id: p.messageId });
  const conversation = await em.findOne(Conversation, { id: p.conversationId });
  if (!message || !conversation) return [];
  const participants = await em.find(Participant, { conversationId: conversation.id });
  const topic = messageAddedTopic(conversation.id);
  const drafts: NotificationDraft[] = [];
  for (const r of participants) {
    if (r.userId === message.senderId || r.lastReadSeq >= message.seq) continue;
    if (await bus.isWatching(r.userId, topic)) continue;
    drafts.push(newMessageDraft(r.userId, conversation.id, conversation.subject));
  }
  return drafts;
}
