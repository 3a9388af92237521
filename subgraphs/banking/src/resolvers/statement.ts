import type { StatementEntryResolvers, StatementResolvers } from '../generated/resolvers.ts';
import { moneyOf } from './money.ts';

export const Statement: StatementResolvers = {
  openingBalance: (s) => moneyOf(s.opening, s.currency),
  closingBalance: (s) => moneyOf(s.closing, s.currency),
  totalCredits: (s) => moneyOf(s.credits, s.currency),
  totalDebits: (s) => moneyOf(s.debits, s.currency),
  entries: (s) => s.lines.map((line) => ({ ...line, currency: s.currency })),
};

export const StatementEntry: StatementEntryResolvers = {
  amount: (line) => moneyOf(line.amount, line.currency),
  balanceAfter: (line) => moneyOf(line.balanceAfter, line.currency),
};
