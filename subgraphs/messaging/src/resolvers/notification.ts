import type { NotificationResolvers } from '../generated/resolvers.ts';

export const Notification: NotificationResolvers = {
  readAt: (notification) => notification.readAt ?? null,
  link: (notification) => notification.link ?? null,
};
