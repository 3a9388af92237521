/**
 * Messaging's subscription fields (the contract is platform/subscriptions.ts):
 * `subscribe` decides who may listen and to which topic, `resolve` turns each
 * published event into the field's value for one subscriber, or skips it.
 * Both reload what they check: an event carries ids only, and a subscriber
 * who left a conversation, or an event on the wrong topic, gets nothing.
 */
import { requireUser } from '../../../platform/caller.ts';
import type { SubscriptionField } from '../../../platform/subscriptions.ts';
import type { Message, Notification } from './entities/index.ts';
import {
  messageAddedEvent,
  messageAddedTopic,
  notificationAddedEvent,
  notificationAddedTopic,
} from './services/live.ts';
import type { MessagingServices } from './services/index.ts';

/** `messageAdded(conversationId)`: new messages of a conversation the caller takes part in. */
export const messageAdded: SubscriptionField<MessagingServices> = {
  async subscribe(args, { services }) {
    const conversation = await services.conversations.requireSubscribable(args.conversationId);
    return [messageAddedTopic(conversation.id)];
  },
  async resolve(event, args, { services }): Promise<Message | null> {
    // An id the client wrote in upper case names the same conversation (UUIDs are compared in lower case).
    const conversationId = String(args.conversationId).toLowerCase();
    const parsed = messageAddedEvent.safeParse(event);
    if (!parsed.success || parsed.data.conversationId !== conversationId) return null;
    const message = await services.messages.find(parsed.data.messageId);
    return message?.conversationId === conversationId ? message : null;
  },
};

/** `notificationAdded`: the caller's new notifications. */
export const notificationAdded: SubscriptionField<MessagingServices> = {
  async subscribe(_args, { caller }) {
    return [notificationAddedTopic(requireUser(caller).userId)];
  },
  async resolve(event, _args, { services }): Promise<Notification | null> {
    const parsed = notificationAddedEvent.safeParse(event);
    return parsed.success ? services.notifications.findOwn(parsed.data.notificationId) : null;
  },
};

export const subscriptions = { messageAdded, notificationAdded };
