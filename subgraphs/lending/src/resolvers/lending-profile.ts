import type { LendingProfileResolvers } from '../generated/resolvers.ts';
import { moneyOf } from './views.ts';

export const LendingProfile: LendingProfileResolvers = {
  minAmount: (p) => moneyOf(p.minAmount, p.currency),
  maxAmount: (p) => moneyOf(p.maxAmount, p.currency),
};
