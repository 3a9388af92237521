import type { AccountResolvers } from '../generated/resolvers.ts';
import { moneyOf } from './money.ts';

export const Account: AccountResolvers = {
  __resolveReference: ({ id }, { services }) => services.accounts.find(id),
  maskedNumber: (account) => `•••• ${account.number.slice(-4)}`,
  type: (account) => {
    if (account.type === 'SYSTEM') throw new Error('system accounts are never exposed');
    return account.type;
  },
  balance: (account) => moneyOf(account.balance, account.currency),
  availableBalance: (account) => moneyOf(account.balance - account.held, account.currency),
  lowBalanceAlert: ({ lowBalanceThreshold, currency }) =>
    lowBalanceThreshold === null || lowBalanceThreshold === undefined ? null : moneyOf(lowBalanceThreshold, currency),
  owner: (account) => ({ id: account.ownerId as string }),
  transactions: (account, args, { services }) => services.history.transactions(account, args),
  statement: (account, { month }, { services }) => services.history.statement(account, month),
};
