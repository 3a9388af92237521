import type { MutationResolvers } from '../generated/resolvers.ts';
import type { TransactionView } from '../services/history.ts';
import type { PostedTransaction } from '../services/ledger.ts';
import type { BankingContext } from '../context.ts';

/** A transaction the caller just moved, seen from their side. */
const seen = async (tx: PostedTransaction, { services }: BankingContext): Promise<TransactionView> =>
  (await services.history.justMade(tx)) ?? { tx, accountId: null, entry: null };

export const Mutation: MutationResolvers = {
  openAccount: (_parent, { input }, { services }) => services.accounts.open(input),
  deposit: async (_parent, { input }, context) => seen(await context.services.payments.deposit(input), context),
  withdraw: async (_parent, { input }, context) => seen(await context.services.payments.withdraw(input), context),
  transfer: async (_parent, { input }, context) => seen(await context.services.payments.transfer(input), context),
  categorizeTransaction: (_parent, { id, category }, { services }) => services.history.categorize(id, category),
  tagTransaction: (_parent, { id, tags }, { services }) => services.history.tag(id, tags),
  setLowBalanceAlert: (_parent, { accountId, threshold }, { services }) =>
    services.accounts.setLowBalanceAlert(accountId, threshold),
  freezeAccount: (_parent, { id }, { services }) => services.accounts.setFrozen(id, true),
  unfreezeAccount: (_parent, { id }, { services }) => services.accounts.setFrozen(id, false),
  createHold: async (_parent, { input }, context) => seen(await context.services.payments.createHold(input), context),
  postHold: async (_parent, { id }, context) => seen(await context.services.payments.postHold(id), context),
  voidHold: async (_parent, { id }, context) => seen(await context.services.payments.voidHold(id), context),
};
