import type { AccountResolvers } from '../generated/resolvers.ts';
import { moneyOf } from './money.ts';

/**
 * An account reaches these resolvers only for someone who may view it; its
 * money (and the owner's own name for it) only for those who may see all of
 * it: FORBIDDEN to a payout grantee (services/account-service.ts).
 */
export const Account: AccountResolvers = {
  __resolveReference: ({ id }, { services }) => services.accounts.find(id),
  maskedNumber: (account) => `•••• ${account.number.slice(-4)}`,
  type: (account) => {
    if (account.type === 'SYSTEM') throw new Error('system accounts are never exposed');
    return account.type;
  },
  nickname: (account, _args, { services }) => {
    services.accounts.requireFullView(account, 'nickname');
    return account.nickname ?? null;
  },
  balance: (account, _args, { services }) => {
    services.accounts.requireFullView(account, 'balance');
    return moneyOf(account.balance, account.currency);
  },
  availableBalance: (account, _args, { services }) => {
    services.accounts.requireFullView(account, 'available balance');
    return moneyOf(account.balance - account.held, account.currency);
  },
  lowBalanceAlert: (account, _args, { services }) => {
    services.accounts.requireFullView(account, 'low-balance alert');
    const threshold = account.lowBalanceThreshold ?? null;
    return threshold === null ? null : moneyOf(threshold, account.currency);
  },
  owner: (account) => ({ id: account.ownerId as string }),
  transactions: (account, args, { services }) => services.history.transactions(account, args),
  statement: (account, { month }, { services }) => services.history.statement(account, month),
};
