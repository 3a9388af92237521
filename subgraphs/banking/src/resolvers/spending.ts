import type { CategorySpendingResolvers, MonthlySpendingResolvers } from '../generated/resolvers.ts';
import { moneyOf } from './money.ts';

export const CategorySpending: CategorySpendingResolvers = {
  total: (row) => moneyOf(row.total, row.currency),
};

export const MonthlySpending: MonthlySpendingResolvers = {
  total: (row) => moneyOf(row.total, row.currency),
};
