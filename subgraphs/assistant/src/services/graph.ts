/**
 * The assistant's only way to the bank's data: GraphQL through the router,
 * with the customer's own access token (which the router passes to this
 * subgraph alone, platform/caller.ts USER_TOKEN_HEADER). Every read and every
 * payment is authorized by the subgraph that owns it, exactly as if the
 * customer's app had asked: the assistant holds no credential of its own that
 * could read anyone's data.
 */
import { unverifiedClaims } from '../../../../platform/access-token.ts';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import { BankError, ErrorCode, ForbiddenError, UnauthenticatedError } from '../../../../platform/errors.ts';
import { REQUEST_ID_HEADER } from '../../../../platform/logger.ts';
import { createGraphQLClient, ServiceCallError, type ServiceRequest } from '../../../../platform/service-client.ts';
import type { Currency } from '../../../../platform/money.ts';

/**
 * A client of the router acting as the caller. Refuses without the caller's
 * token, or with a token of someone else than the router-signed caller.
 */
export function actAsUser(options: {
  routerUrl: string;
  caller: Caller;
  token: string | undefined;
  requestId?: string;
}): ServiceRequest {
  const user = requireUser(options.caller);
  const { token } = options;
  if (token === undefined) {
    throw new UnauthenticatedError('The assistant acts with your own access token: call it through the router.', {
      reason: 'TOKEN_MISSING',
    });
  }
  // Read unverified: the router verifies the token on every call made with it.
  if (unverifiedClaims(token)?.sub !== user.userId) throw new ForbiddenError('The access token is not the caller’s.');
  const request = createGraphQLClient({
    url: options.routerUrl,
    headers: () => ({
      authorization: `Bearer ${token}`,
      'user-agent': 'bank-assistant',
      ...(options.requestId ? { [REQUEST_ID_HEADER]: options.requestId } : {}),
    }),
  });
  return async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    try {
      return await request<T>(query, variables);
    } catch (error) {
      throw asBankError(error);
    }
  };
}

/**
 * A failed call as the customer's own error: the owner's catalogued code and
 * details (NOT_FOUND, INSUFFICIENT_FUNDS, STEP_UP_REQUIRED with its challenge)
 * pass through; an unknown outcome is SERVICE_UNAVAILABLE.
 */
export function asBankError(error: unknown): BankError {
  if (error instanceof BankError) return error;
  if (error instanceof ServiceCallError && !error.transient) {
    const { code: _code, ...details } = error.extensions as Record<string, never>;
    return new BankError(error.code, error.message, details);
  }
  return new BankError(ErrorCode.SERVICE_UNAVAILABLE, 'The bank could not answer just now; try again in a moment.');
}

export interface MoneyValue {
  amount: string;
  currency: Currency;
}

export interface AccountView {
  id: string;
  maskedNumber: string;
  type: 'CHECKING' | 'SAVINGS' | 'BUSINESS';
  nickname: string | null;
  currency: Currency;
  status: string;
  balance: MoneyValue;
  availableBalance: MoneyValue;
}

export interface TransactionView {
  id: string;
  kind: string;
  /** PENDING (a hold: reserved, not moved), POSTED or VOIDED (released: nothing moved). */
  status: string;
  category: string;
  description: string | null;
  createdAt: string;
  signedAmount: MoneyValue | null;
  amount: MoneyValue;
  fromAccount: { id: string } | null;
  toAccount: { id: string } | null;
}

export interface BillView {
  id: string;
  biller: { name: string };
  amount: MoneyValue;
  remaining: MoneyValue;
  dueDate: string;
  status: string;
}

export interface LoanApplicationView {
  id: string;
  status: string;
  amount: MoneyValue;
  termMonths: number;
  submittedAt: string;
  banker: { id: string; name: string };
  loan: {
    id: string;
    status: string;
    outstandingPrincipal: MoneyValue;
    nextInstallment: { number: number; dueDate: string; payment: MoneyValue } | null;
  } | null;
}

export interface Me {
  id: string;
  name: string;
  roles: string[];
  accounts: AccountView[];
}

const MONEY = 'amount currency';

/** Transactions read per account for one question: banking's largest page. */
export const TRANSACTIONS_READ = 1_000;

/** The reads and writes the assistant makes, as the customer. */
export class Graph {
  readonly #request: ServiceRequest;
  #me: Promise<Me> | undefined;

  constructor(request: ServiceRequest) {
    this.#request = request;
  }

  /** The customer and their accounts (once per turn). */
  me(): Promise<Me> {
    this.#me ??= this.#request<{ me: Me }>(
      `query AssistantMe { me { id name roles accounts { id maskedNumber type nickname currency status
        balance { ${MONEY} } availableBalance { ${MONEY} } } } }`,
    ).then((data) => data.me);
    return this.#me;
  }

  /** Transactions of one account, newest first, with banking's filters. */
  async transactions(
    accountId: string,
    filter: { from?: string; to?: string; category?: string; minAmount?: string; maxAmount?: string },
    first = TRANSACTIONS_READ,
  ): Promise<TransactionView[]> {
    const data = await this.#request<{
      account: { transactions: { edges: { node: TransactionView }[] } } | null;
    }>(
      `query AssistantTransactions($id: ID!, $first: Int!, $filter: TransactionFilter) { account(id: $id) {
        transactions(first: $first, filter: $filter) { edges { node { id kind status category description createdAt
          amount { ${MONEY} } signedAmount { ${MONEY} } fromAccount { id } toAccount { id } } } } } }`,
      { id: accountId, first, filter },
    );
    return data.account?.transactions.edges.map((e) => e.node) ?? [];
  }

  /** Spending by category between two instants. */
  async spending(from: string, to: string): Promise<{ category: string; total: MoneyValue; count: number }[]> {
    const data = await this.#request<{
      me: { spendingSummary: { byCategory: { category: string; total: MoneyValue; count: number }[] } };
    }>(
      `query AssistantSpending($from: DateTime!, $to: DateTime!) { me { spendingSummary(from: $from, to: $to) {
        byCategory { category count total { ${MONEY} } } } } }`,
      { from, to },
    );
    return data.me.spendingSummary.byCategory;
  }

  async bills(): Promise<BillView[]> {
    const data = await this.#request<{ me: { bills: BillView[] } }>(
      `query AssistantBills { me { bills { id dueDate status biller { name } amount { ${MONEY} }
        remaining { ${MONEY} } } } }`,
    );
    return data.me.bills;
  }

  async loanApplications(): Promise<LoanApplicationView[]> {
    const data = await this.#request<{ me: { loanApplications: { edges: { node: LoanApplicationView }[] } } }>(
      `query AssistantLoans { me { loanApplications(first: 20) { edges { node { id status termMonths submittedAt
        amount { ${MONEY} } banker { id name } loan { id status outstandingPrincipal { ${MONEY} }
        nextInstallment { number dueDate payment { ${MONEY} } } } } } } } }`,
    );
    return data.me.loanApplications.edges.map((e) => e.node);
  }

  async loanQuote(amount: string, annualRate: string, termMonths: number) {
    const data = await this.#request<{
      loanQuote: {
        amount: MoneyValue;
        totalPayment: MoneyValue;
        totalInterest: MoneyValue;
        installments: { payment: MoneyValue }[];
      };
    }>(
      `query AssistantQuote($amount: Decimal!, $rate: Decimal!, $term: Int!) {
        loanQuote(amount: $amount, annualRate: $rate, termMonths: $term) { amount { ${MONEY} }
        totalPayment { ${MONEY} } totalInterest { ${MONEY} } installments { payment { ${MONEY} } } } }`,
      { amount, rate: annualRate, term: termMonths },
    );
    return data.loanQuote;
  }

  async transfer(input: {
    fromAccountId: string;
    toAccountId: string;
    amount: string;
    idempotencyKey: string;
    description: string;
    stepUpProof?: string | undefined;
  }): Promise<{ id: string }> {
    const data = await this.#request<{ transfer: { id: string } }>(
      `mutation AssistantTransfer($input: TransferInput!) { transfer(input: $input) { id } }`,
      { input },
    );
    return data.transfer;
  }

  async payBill(input: {
    billId: string;
    fromAccountId: string;
    amount: string;
    idempotencyKey: string;
    stepUpProof?: string | undefined;
  }): Promise<{ id: string; status: string; failureCode: string | null; failureReason: string | null }> {
    const data = await this.#request<{
      payBill: { id: string; status: string; failureCode: string | null; failureReason: string | null };
    }>(
      `mutation AssistantPayBill($input: PayBillInput!) { payBill(input: $input) { id status failureCode failureReason } }`,
      { input },
    );
    return data.payBill;
  }

  async startConversation(input: { participantId: string; subject: string; body: string }): Promise<string> {
    const data = await this.#request<{ startConversation: { id: string } }>(
      `mutation AssistantHandOff($input: StartConversationInput!) { startConversation(input: $input) { id } }`,
      { input },
    );
    return data.startConversation.id;
  }

  async sendMessage(conversationId: string, body: string): Promise<void> {
    await this.#request(
      `mutation AssistantHandOffMore($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { conversationId, body } },
    );
  }
}
