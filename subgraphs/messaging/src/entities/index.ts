import { KnownUserSchema } from '../../../../platform/known-users.ts';
import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { ConversationSchema } from './conversation.ts';
import { KnownApplicationSchema } from './known-application.ts';
import { MessageSchema } from './message.ts';
import { NotificationDeliverySchema } from './notification-delivery.ts';
import { NotificationSchema } from './notification.ts';
import { ParticipantSchema } from './participant.ts';
import { ProcessedEventSchema } from './processed-event.ts';

export { KnownUser } from '../../../../platform/known-users.ts';
export * from './conversation.ts';
export * from './known-application.ts';
export * from './message.ts';
export * from './notification-delivery.ts';
export * from './notification.ts';
export * from './participant.ts';
export * from './processed-event.ts';

/** Every entity of the messaging database. */
export const entities = [
  ConversationSchema,
  ParticipantSchema,
  MessageSchema,
  NotificationSchema,
  NotificationDeliverySchema,
  ProcessedEventSchema,
  KnownUserSchema,
  KnownApplicationSchema,
  OutboxEventSchema,
];
