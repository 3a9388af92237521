import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { Conversations } from './conversations.ts';
import { Messages } from './messages.ts';
import { Notifications } from './notifications.ts';

export interface MessagingServices {
  conversations: Conversations;
  messages: Messages;
  notifications: Notifications;
}

/** Builds the services of one request. */
export function createMessagingServices({ em, caller, bus, logger }: ServiceDeps): MessagingServices {
  const conversations = new Conversations(em, caller, bus, logger);
  return {
    conversations,
    messages: new Messages(em, caller, bus, logger, conversations),
    notifications: new Notifications(em, caller),
  };
}
