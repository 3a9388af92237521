/**
 * The notification consumer: reads the durable stream of domain events as
 * the `messaging-notifications` consumer group and turns them into
 * notifications.
 *
 * - Durable: events appended while no consumer runs are delivered when one
 *   starts (the bus keeps the group's position).
 * - Idempotent by event id: the event's row in `processed_events` is inserted
 *   in the same database transaction as its notifications and their channel
 *   deliveries; a second delivery of the event (a retry, a crash before the
 *   acknowledgement, another instance) finds it and makes nothing.
 * - Live: after the transaction commits, each new notification is published on
 *   its user's `notificationAdded` topic.
 *
 * NEW_MESSAGE: a recipient gets one while they are not subscribed to that
 * conversation. Subscriptions live in the routers, which record on the bus
 * who watches which topic (`EventBus.watch`); a recipient watching the
 * conversation's `messageAdded` topic when the event is handled gets none,
 * nor does one who has already read the conversation up to that message.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DomainEvent, EventBus, Unsubscribe } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import type { EntityManager, MikroORM } from '../../../../platform/orm.ts';
import { Conversation, Message, Notification, Participant } from '../entities/index.ts';
import { outboxChannels, type ChannelFactory } from './channels.ts';
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
  /** The delivery channels (default: email, SMS and push through the delivery outbox). */
  channels?: ChannelFactory;
}

/** Starts consuming the stream; the returned function stops it. */
export async function startNotificationConsumer(options: NotificationConsumerOptions): Promise<Unsubscribe> {
  return options.bus.consume(NOTIFICATION_CONSUMER_GROUP, async (event) => {
    await handleEvent(event, options);
  });
}

const envelope = z.object({ id: z.uuid(), type: z.string().min(1).max(200) });

/**
 * Handles one event: makes its notifications once. Returns the notifications
 * made now (none for an event already handled or of no interest). Throws only
 * on a transient failure (the database), so the bus delivers the event again.
 */
export async function handleEvent(event: DomainEvent, options: NotificationConsumerOptions): Promise<Notification[]> {
  const { orm, bus } = options;
  const logger = options.logger.child({ eventId: event.id, eventType: event.type });
  if (!HANDLED_EVENT_TYPES.has(event.type)) return [];
  if (!envelope.safeParse(event).success) {
    logger.error('notification consumer: event without a valid id, skipped');
    return [];
  }
  const channels = options.channels ?? outboxChannels;
  const created = await orm.em.fork().transactional(async (em) => {
    if (!(await claim(em, event))) return [];
    let drafts: NotificationDraft[];
    try {
      drafts = await draftsOf(em, event, bus);
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      // A malformed payload never gets better: record the event as handled, make nothing.
      logger.error({ issues: error.issues }, 'notification consumer: malformed payload, no notification made');
      return [];
    }
    const now = new Date();
    const notifications = drafts.map((draft) =>
      em.create(Notification, { id: randomUUID(), ...draft, eventId: event.id, createdAt: now, readAt: null }),
    );
    const deliveries = channels(em);
    for (const notification of notifications) {
      for (const channel of deliveries) await channel.deliver(notification);
    }
    return notifications;
  });
  for (const notification of created) {
    const live: NotificationAddedEvent = { notificationId: notification.id };
    await publishLive(bus, logger, notificationAddedTopic(notification.userId), live);
  }
  return created;
}

/**
 * Records the event as handled in this transaction; false when it already
 * was. `on conflict do nothing` makes a concurrent delivery of the same event
 * wait for this transaction and then see the row, so two deliveries never
 * both claim it.
 */
async function claim(em: EntityManager, event: DomainEvent): Promise<boolean> {
  const rows = await em.getConnection().execute<{ event_id: string }[]>(
    `insert into processed_events (event_id, type, processed_at) values (?, ?, ?)
       on conflict (event_id) do nothing returning event_id`,
    [event.id, event.type, new Date()],
    'all',
    em.getTransactionContext(),
  );
  return rows.length > 0;
}

async function draftsOf(em: EntityManager, event: DomainEvent, bus: EventBus): Promise<NotificationDraft[]> {
  if (event.type !== EVENT_TYPES.messageSent) return draftsFor(event);
  const p = messageSentPayload.parse(event.payload);
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
