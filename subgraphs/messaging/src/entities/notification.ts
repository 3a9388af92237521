import { defineEntity, p } from '@mikro-orm/core';

export const NOTIFICATION_KINDS = [
  'TRANSFER_RECEIVED',
  'TRANSFER_SENT',
  'LOW_BALANCE',
  'LOAN_APPLICATION_STATUS',
  'NEW_MESSAGE',
  'BILL_DUE',
  'BILL_PAID',
  'BILL_PAYMENT_FAILED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Something the bank tells one user, made from one domain event (`eventId`). */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  indexes: [{ properties: ['userId', 'seq'] }],
  properties: {
    id: p.uuid().primary(),
    /** Creation order: pages are keyed on it. */
    seq: p.bigint('number').autoincrement().unique(),
    userId: p.uuid(),
    kind: p.enum(NOTIFICATION_KINDS),
    title: p.string().length(200),
    body: p.text(),
    link: p.string().length(500).nullable(),
    /** The domain event it was made from. */
    eventId: p.uuid().index(),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
  },
});

export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
