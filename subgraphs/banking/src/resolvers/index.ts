import { scalarResolvers } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { Account } from './account.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { CategorySpending, MonthlySpending } from './spending.ts';
import { Statement, StatementEntry } from './statement.ts';
import { Transaction } from './transaction.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  User,
  Account,
  Transaction,
  Statement,
  StatementEntry,
  CategorySpending,
  MonthlySpending,
};
