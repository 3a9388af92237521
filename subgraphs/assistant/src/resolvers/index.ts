import { scalarResolvers } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { AssistantAction, AssistantCard, AssistantSession, AssistantSpendingLine, AssistantTurn } from './assistant.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  User,
  AssistantSession,
  AssistantTurn,
  AssistantAction,
  AssistantCard,
  AssistantSpendingLine,
};
