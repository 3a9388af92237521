import { scalarResolvers } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Conversation } from './conversation.ts';
import { Message } from './message.ts';
import { Mutation } from './mutation.ts';
import { Notification } from './notification.ts';
import { Query } from './query.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  User,
  Conversation,
  Message,
  Notification,
};
