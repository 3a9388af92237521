import { defineEntity, p } from '@mikro-orm/core';

export const DELIVERY_CHANNELS = ['EMAIL', 'SMS', 'PUSH'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The delivery outbox: one row per notification and channel, written in the
 * same database transaction as the notification. A real email, SMS or push
 * provider drains the PENDING rows (oldest first) and marks them SENT or
 * FAILED; this repository ships no provider.
 */
export const NotificationDeliverySchema = defineEntity({
  name: 'NotificationDelivery',
  tableName: 'notification_deliveries',
  indexes: [{ properties: ['status', 'createdAt'] }],
  uniques: [{ properties: ['notificationId', 'channel'] }],
  properties: {
    id: p.uuid().primary(),
    notificationId: p.uuid(),
    /** The recipient: the provider looks up their address (owned by identity) by id. */
    userId: p.uuid(),
    channel: p.enum(DELIVERY_CHANNELS),
    status: p.enum(DELIVERY_STATUSES),
    attempts: p.integer().default(0),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
});

export class NotificationDelivery extends NotificationDeliverySchema.class {}
NotificationDeliverySchema.setClass(NotificationDelivery);
