import type { TransactionResolvers } from '../generated/resolvers.ts';
import { moneyOf } from './money.ts';

export const Transaction: TransactionResolvers = {
  __resolveReference: ({ id }, { services }) => services.history.reference(id),
  id: ({ tx }) => tx.id,
  kind: ({ tx }) => tx.kind,
  amount: ({ tx }) => moneyOf(tx.amount, tx.currency),
  // The other party's account is not the viewer's to see: null, like money crossing the bank's boundary.
  fromAccount: ({ tx }, _args, { services }) => services.accounts.find(tx.fromAccountId),
  toAccount: ({ tx }, _args, { services }) => services.accounts.find(tx.toAccountId),
  status: ({ tx }) => tx.status,
  category: ({ tx, entry }) => entry?.category ?? (tx.kind === 'TRANSFER' ? 'TRANSFER' : 'OTHER'),
  tags: ({ entry }) => entry?.tags ?? [],
  description: ({ tx }) => tx.description ?? null,
  createdAt: ({ tx }) => tx.createdAt,
  postedAt: ({ tx }) => tx.postedAt ?? null,
  signedAmount: ({ tx, accountId }) => {
    if (accountId === null) return null;
    return moneyOf(tx.fromAccountId === accountId ? -tx.amount : tx.amount, tx.currency);
  },
};
