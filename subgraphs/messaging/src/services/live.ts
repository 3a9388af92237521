/**
 * Live events of messaging's subscription fields. They are published on the
 * bus after the change commits (at most once: a subscriber that is not
 * listening misses them; the durable record is the database and, for
 * notifications, the stream). Events carry ids only: the subscription's
 * `resolve` reloads the row for each subscriber and checks that they may see it.
 */
import { z } from 'zod';
import { subscriptionTopic } from '../../../../platform/subscriptions.ts';

/** Topic of the new messages of one conversation. */
export const messageAddedTopic = (conversationId: string): string =>
  subscriptionTopic('messageAdded', 'conversation', conversationId);

/** Topic of the new notifications of one user. */
export const notificationAddedTopic = (userId: string): string =>
  subscriptionTopic('notificationAdded', 'user', userId);

/** What is published on {@link messageAddedTopic}. */
export const messageAddedEvent = z.object({ messageId: z.uuid(), conversationId: z.uuid() });
export type MessageAddedEvent = z.infer<typeof messageAddedEvent>;

/** What is published on {@link notificationAddedTopic}. */
export const notificationAddedEvent = z.object({ notificationId: z.uuid() });
export type NotificationAddedEvent = z.infer<typeof notificationAddedEvent>;
