/**
 * Notification channels: how a notification leaves the bank besides the API
 * (email, SMS, push). Each channel is an adapter behind
 * {@link NotificationChannel}.
 *
 * The shipped adapter, {@link OutboxChannel}, sends nothing itself: it writes
 * one PENDING row per notification and channel into `notification_deliveries`,
 * in the same database transaction as the notification, for a real provider
 * (an email service, an SMS gateway, a push service) to drain and mark SENT
 * or FAILED. No provider ships with this repository. Calling a provider from
 * `deliver` directly would be wrong: it runs inside the notification's
 * database transaction, which may still roll back.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '../../../../platform/orm.ts';
import { DELIVERY_CHANNELS, NotificationDelivery, type DeliveryChannel, type Notification } from '../entities/index.ts';

/** One way of telling a user about a notification. */
export interface NotificationChannel {
  readonly channel: DeliveryChannel;
  /** Queues the notification for delivery, in the transaction that creates it. */
  deliver(notification: Notification): Promise<void>;
}

/** Queues deliveries in the `notification_deliveries` outbox table. */
export class OutboxChannel implements NotificationChannel {
  readonly channel: DeliveryChannel;
  readonly #em: EntityManager;

  constructor(em: EntityManager, channel: DeliveryChannel) {
    this.#em = em;
    this.channel = channel;
  }

  async deliver(notification: Notification): Promise<void> {
    this.#em.create(NotificationDelivery, {
      id: randomUUID(),
      notificationId: notification.id,
      userId: notification.userId,
      channel: this.channel,
      status: 'PENDING',
      attempts: 0,
      createdAt: notification.createdAt,
      sentAt: null,
    });
  }
}

/** Builds the channels of one consumer transaction. */
export type ChannelFactory = (em: EntityManager) => NotificationChannel[];

/**
 * The shipped channels: email, SMS and push, each through the delivery
 * outbox. Every notification goes to all three (there are no per-user
 * preferences yet).
 */
export const outboxChannels: ChannelFactory = (em) => DELIVERY_CHANNELS.map((c) => new OutboxChannel(em, c));
