import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import type {
  AssistantActionResolvers,
  AssistantCardResolvers,
  AssistantSessionResolvers,
  AssistantSpendingLineResolvers,
  AssistantTurnResolvers,
} from '../generated/resolvers.ts';

const refs = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => ({ id }));

export const AssistantSession: AssistantSessionResolvers = {
  // Null for anyone but its owner: the router gets no data, and no hint that it exists.
  __resolveReference: ({ id }, { services }) => services.sessions.find(id),
  turns: (session, args, { services }) => services.sessions.turns(session, args),
  handedOffTo: (session) => (session.handedOffConversationId ? { id: session.handedOffConversationId } : null),
};

export const AssistantTurn: AssistantTurnResolvers = {
  __resolveReference: ({ id }, { services }) => services.sessions.findTurn(id),
  session: async (turn, _args, { services }) => services.sessions.get(turn.sessionId),
  action: (turn, _args, { services }) => (turn.actionId ? services.sessions.findAction(turn.actionId) : null),
  pendingAction: (turn, _args, { services }) => services.sessions.pendingAfter(turn),
  clientMessageId: (turn) => turn.clientMessageId ?? null,
  text: (turn) => turn.text ?? null,
};

/** A pending action past its expiry is EXPIRED, whether or not anyone tried it since. */
export const AssistantAction: AssistantActionResolvers = {
  __resolveReference: ({ id }, { services }) => services.sessions.findAction(id),
  status: (action) =>
    action.status === 'PENDING' && action.expiresAt.getTime() <= Date.now() ? 'EXPIRED' : action.status,
  amount: (action) => ({
    amount: fromMinorUnits(action.amount, action.currency as Currency),
    currency: action.currency as Currency,
  }),
  fromAccount: (action) => ({ id: action.fromAccountId }),
  // Another customer's account is theirs to show: only its id, as the customer gave it.
  toAccount: (action) => (action.toAccountId && action.toOwnAccount ? { id: action.toAccountId } : null),
  toAccountId: (action) => action.toAccountId ?? null,
  bill: (action) => (action.billId ? { id: action.billId } : null),
  transaction: (action) => (action.transactionId ? { id: action.transactionId } : null),
  billPayment: (action) => (action.billPaymentId ? { id: action.billPaymentId } : null),
  failureCode: (action) => action.failureCode ?? null,
};

export const AssistantCard: AssistantCardResolvers = {
  accounts: (card) => refs(card.accountIds),
  transactions: (card) => refs(card.transactionIds),
  bills: (card) => refs(card.billIds),
  loanApplications: (card) => refs(card.loanApplicationIds),
  loans: (card) => refs(card.loanIds),
  spending: (card) => card.spending ?? [],
};

export const AssistantSpendingLine: AssistantSpendingLineResolvers = {
  total: (line) => ({ amount: line.total, currency: line.currency as Currency }),
  previousTotal: (line) => ({ amount: line.previousTotal, currency: line.currency as Currency }),
};
