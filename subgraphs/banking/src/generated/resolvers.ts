import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserRef as UserRefModel, Account as AccountModel, TransactionView as TransactionViewModel, StatementData as StatementDataModel, StatementLineModel as StatementLineModelModel, SpendingData as SpendingDataModel, CategorySpendingModel as CategorySpendingModelModel, MonthlySpendingModel as MonthlySpendingModelModel } from '../models.ts';
import type { BankingContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A point in time, as an ISO 8601 string in UTC (for example "2026-11-22T09:30:00.000Z"). */
  DateTime: { input: Date; output: Date; }
  /** An exact decimal number as a string, for example "1234.50". Never a float. Amounts have at most the currency's number of decimals (2 for USD, 0 for JPY). */
  Decimal: { input: string; output: string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A bank account. Its owner and ADMINs see all of it. Someone a loan payout into it names (the loan application's banker, risk officers) sees its id, masked number, type, currency, status, owner and opening date; its nickname, balances, alert, transactions and statements are FORBIDDEN to them. To anyone else it does not exist. */
export type Account = {
  __typename?: 'Account';
  /** Balance less the funds reserved by pending holds: what can be spent now (owner and ADMINs only). */
  availableBalance: Money;
  /** Ledger balance: the sum of the account's posted entries (owner and ADMINs only). */
  balance: Money;
  /** Currency of the account. */
  currency: Currency;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The threshold under which a low-balance alert is raised, if set (owner and ADMINs only). */
  lowBalanceAlert?: Maybe<Money>;
  /** Account number, masked: only the last four digits are shown. */
  maskedNumber: Scalars['String']['output'];
  /** Name the owner gave it (owner and ADMINs only). */
  nickname?: Maybe<Scalars['String']['output']>;
  /** When the account was opened. */
  openedAt: Scalars['DateTime']['output'];
  /** The owner (resolved by the identity subgraph). */
  owner: User;
  /** The statement of one calendar month (UTC), for example "2026-11" (owner and ADMINs only). */
  statement: Statement;
  /** Whether it can move money. */
  status: AccountStatus;
  /** The account's transactions, newest first (owner and ADMINs only). */
  transactions: TransactionConnection;
  /** Kind of account. */
  type: AccountType;
};


/** A bank account. Its owner and ADMINs see all of it. Someone a loan payout into it names (the loan application's banker, risk officers) sees its id, masked number, type, currency, status, owner and opening date; its nickname, balances, alert, transactions and statements are FORBIDDEN to them. To anyone else it does not exist. */
export type AccountStatementArgs = {
  month: Scalars['String']['input'];
};


/** A bank account. Its owner and ADMINs see all of it. Someone a loan payout into it names (the loan application's banker, risk officers) sees its id, masked number, type, currency, status, owner and opening date; its nickname, balances, alert, transactions and statements are FORBIDDEN to them. To anyone else it does not exist. */
export type AccountTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TransactionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Whether an account can move money. */
export type AccountStatus =
  /** Sends and receives. */
  | 'ACTIVE'
  /** Closed: neither sends nor receives. */
  | 'CLOSED'
  /** Frozen by an ADMIN: receives, but cannot send. */
  | 'FROZEN';

/** Kinds of customer accounts. */
export type AccountType =
  /** Account of a business; for BUSINESS_OWNER users only. */
  | 'BUSINESS'
  /** Everyday account. */
  | 'CHECKING'
  /** Savings account. */
  | 'SAVINGS';

/** Spending in one category. */
export type CategorySpending = {
  __typename?: 'CategorySpending';
  /** The category. */
  category: TransactionCategory;
  /** Number of transactions. */
  count: Scalars['Int']['output'];
  /** Total spent. */
  total: Money;
};

/** A pending transfer that reserves funds (services only: billing and lending sagas). It moves money between one customer account, owned by `customerId`, and one system account of that account's currency: give exactly one of `fromAccountId`/`fromSystem` and exactly one of `toAccountId`/`toSystem`, one side a customer account and the other a system account. The kind fixes the direction: LOAN_DISBURSEMENT is LOANS to the customer, LOAN_REPAYMENT the customer to LOANS, BILL_PAYMENT the customer to BILL_SETTLEMENT. */
export type CreateHoldInput = {
  /** Positive amount, with at most the currency's decimals. */
  amount: Scalars['Decimal']['input'];
  /** The customer whose account takes part in the hold: it must be theirs. */
  customerId: Scalars['ID']['input'];
  /** Description shown to the account owner. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The customer account the money will leave (repayments, bill payments); omit when `fromSystem` is given. */
  fromAccountId?: InputMaybe<Scalars['ID']['input']>;
  /** The system account the money will leave (LOANS for disbursements), in the customer account's currency; omit when `fromAccountId` is given. */
  fromSystem?: InputMaybe<SystemAccount>;
  /** Unique per saga step: retrying returns the first hold. */
  idempotencyKey: Scalars['String']['input'];
  /** BILL_PAYMENT, LOAN_DISBURSEMENT or LOAN_REPAYMENT; it must agree with the direction. */
  kind: TransactionKind;
  /** The customer account the money will enter (disbursements); omit when `toSystem` is given. */
  toAccountId?: InputMaybe<Scalars['ID']['input']>;
  /** The system account the money will enter (LOANS for repayments, BILL_SETTLEMENT for bill payments), in the customer account's currency; omit when `toAccountId` is given. */
  toSystem?: InputMaybe<SystemAccount>;
  /** LOAN_DISBURSEMENT only: who else may view the customer account and this hold. A repeat of the hold (same idempotency key) records nothing more. */
  viewers?: InputMaybe<HoldViewersInput>;
};

/** ISO 4217 currencies the bank holds. */
export type Currency =
  /** Australian dollar (2 decimals). */
  | 'AUD'
  /** Canadian dollar (2 decimals). */
  | 'CAD'
  /** Swiss franc (2 decimals). */
  | 'CHF'
  /** Danish krone (2 decimals). */
  | 'DKK'
  /** Euro (2 decimals). */
  | 'EUR'
  /** Pound sterling (2 decimals). */
  | 'GBP'
  /** Japanese yen (0 decimals). */
  | 'JPY'
  /** Norwegian krone (2 decimals). */
  | 'NOK'
  /** Swedish krona (2 decimals). */
  | 'SEK'
  /** US dollar (2 decimals). */
  | 'USD';

/** Money entering the bank into one of your accounts. */
export type DepositInput = {
  /** Your account. */
  accountId: Scalars['ID']['input'];
  /** Positive amount, with at most the currency's decimals. */
  amount: Scalars['Decimal']['input'];
  /** Optional description, at most 200 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Unique per request you mean (1 to 100 characters). Retrying with the same key returns the first result and moves money once. */
  idempotencyKey: Scalars['String']['input'];
};

/** Who besides the owner and ADMINs may view where a loan payout went (services only): of the customer account its id, masked number, type, currency, status, owner and opening date, and the hold's transaction itself; never the account's nickname, balances, alert, transactions or statements. Recorded with the hold, once. */
export type HoldViewersInput = {
  /** What the view is for, kept with it (for example the loan application's id); 1 to 100 characters. */
  reference: Scalars['String']['input'];
  /** Roles whose every member may view, for example RISK_OFFICER. */
  roles?: InputMaybe<Array<ViewerRole>>;
  /** Users who may view, for example the loan application's assigned banker (at most 10). */
  userIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

/** An amount of money in one currency. */
export type Money = {
  __typename?: 'Money';
  /** The amount, exact, with the currency's number of decimals. */
  amount: Scalars['Decimal']['output'];
  /** The currency. */
  currency: Currency;
};

/** Spending in one month. */
export type MonthlySpending = {
  __typename?: 'MonthlySpending';
  /** Number of transactions. */
  count: Scalars['Int']['output'];
  /** The month, YYYY-MM. */
  month: Scalars['String']['output'];
  /** Total spent. */
  total: Money;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Sets the category of a transaction on your side of it. */
  categorizeTransaction: Transaction;
  /** Services only: reserves funds with a pending transfer between a customer's account and a system account. */
  createHold: Transaction;
  /** Deposits into one of your accounts. */
  deposit: Transaction;
  /** ADMIN only: freezes an account (it can still receive). */
  freezeAccount: Account;
  /** Opens an account for the signed-in user. */
  openAccount: Account;
  /** Services only: posts a pending transfer (moves the money). Posting twice returns the same transaction. */
  postHold: Transaction;
  /** Sets (or, with null, removes) the low-balance alert threshold of one of your accounts. */
  setLowBalanceAlert: Account;
  /** Replaces the tags of a transaction on your side of it (at most 10 tags of 1 to 30 characters). */
  tagTransaction: Transaction;
  /** Transfers from one of your accounts to any ACTIVE or FROZEN account of the same currency. */
  transfer: Transaction;
  /** ADMIN only: unfreezes an account. */
  unfreezeAccount: Account;
  /** Services only: voids a pending transfer (releases the funds). Voiding twice returns the same transaction. */
  voidHold: Transaction;
  /** Withdraws from one of your accounts. */
  withdraw: Transaction;
};


export type MutationCategorizeTransactionArgs = {
  category: TransactionCategory;
  id: Scalars['ID']['input'];
};


export type MutationCreateHoldArgs = {
  input: CreateHoldInput;
};


export type MutationDepositArgs = {
  input: DepositInput;
};


export type MutationFreezeAccountArgs = {
  id: Scalars['ID']['input'];
};


export type MutationOpenAccountArgs = {
  input: OpenAccountInput;
};


export type MutationPostHoldArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetLowBalanceAlertArgs = {
  accountId: Scalars['ID']['input'];
  threshold?: InputMaybe<Scalars['Decimal']['input']>;
};


export type MutationTagTransactionArgs = {
  id: Scalars['ID']['input'];
  tags: Array<Scalars['String']['input']>;
};


export type MutationTransferArgs = {
  input: TransferInput;
};


export type MutationUnfreezeAccountArgs = {
  id: Scalars['ID']['input'];
};


export type MutationVoidHoldArgs = {
  id: Scalars['ID']['input'];
};


export type MutationWithdrawArgs = {
  input: WithdrawInput;
};

/** Opening an account. */
export type OpenAccountInput = {
  /** Currency of the account. */
  currency: Currency;
  /** Optional name, at most 60 characters. */
  nickname?: InputMaybe<Scalars['String']['input']>;
  /** Kind of account. BUSINESS is for BUSINESS_OWNER users. */
  type: AccountType;
};

/** Relay pagination state. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** One of your accounts (ADMINs: any account; a loan payout's viewers: its payout account, in part). NOT_FOUND when it does not exist or is not yours. */
  account?: Maybe<Account>;
  /** Services only (identity, before an erasure): what in banking stops the user's erasure (money on an account, pending holds), as JSON text: a list of { reason, message }, empty when nothing does. */
  bankingErasureBlockers: Scalars['String']['output'];
  /** Services only (identity, for the customer's data rights): everything banking holds about a user (accounts, their entries, monthly statements, pending holds), as the JSON text of one section of a data export. */
  bankingPersonalData: Scalars['String']['output'];
  /** A transaction touching one of your accounts (ADMINs: any; a loan payout's viewers: the payout). NOT_FOUND otherwise. */
  transaction?: Maybe<Transaction>;
};


export type QueryAccountArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBankingErasureBlockersArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryBankingPersonalDataArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryTransactionArgs = {
  id: Scalars['ID']['input'];
};

/** Spending between two instants. */
export type SpendingSummary = {
  __typename?: 'SpendingSummary';
  /** Totals per currency and category, largest first. */
  byCategory: Array<CategorySpending>;
  /** Totals per currency and month (UTC), oldest first. */
  byMonth: Array<MonthlySpending>;
  /** Start, inclusive. */
  from: Scalars['DateTime']['output'];
  /** End, exclusive. */
  to: Scalars['DateTime']['output'];
};

/** A month of an account: closingBalance = openingBalance + totalCredits - totalDebits, always. */
export type Statement = {
  __typename?: 'Statement';
  /** Balance at the end of the month. */
  closingBalance: Money;
  /** Every posted entry of the month, oldest first. */
  entries: Array<StatementEntry>;
  /** The month, YYYY-MM (UTC). */
  month: Scalars['String']['output'];
  /** Balance at the start of the month. */
  openingBalance: Money;
  /** Money in during the month. */
  totalCredits: Money;
  /** Money out during the month. */
  totalDebits: Money;
};

/** One line of a statement. */
export type StatementEntry = {
  __typename?: 'StatementEntry';
  /** Signed change of the balance: positive in, negative out. */
  amount: Money;
  /** Balance after this entry. */
  balanceAfter: Money;
  /** Description of the transaction. */
  description?: Maybe<Scalars['String']['output']>;
  /** What kind of movement. */
  kind: TransactionKind;
  /** When it was posted. */
  postedAt: Scalars['DateTime']['output'];
  /** The transaction. */
  transactionId: Scalars['ID']['output'];
};

/** The bank's own (SYSTEM) accounts that internal services may name in a hold, one per currency. They belong to no customer and are never shown as accounts; they may go below zero. */
export type SystemAccount =
  /** Where bill payments enter, on their way to the billers. */
  | 'BILL_SETTLEMENT'
  /** The bank's loan portfolio: loan disbursements leave it, loan repayments enter it. */
  | 'LOANS';

/** A movement of money in the double-entry ledger, seen by the owners of its accounts and ADMINs, and a loan payout also by those it names (the loan application's banker, risk officers). Seen from one of its accounts, it carries that side's category and tags. */
export type Transaction = {
  __typename?: 'Transaction';
  /** The amount moved (always positive). */
  amount: Money;
  /** Category on the viewer's side of the transaction. */
  category: TransactionCategory;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Description given by the client. */
  description?: Maybe<Scalars['String']['output']>;
  /** The account money leaves; null for money entering the bank (deposits). */
  fromAccount?: Maybe<Account>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** What kind of movement it is. */
  kind: TransactionKind;
  /** When it was posted; null while pending or voided. */
  postedAt?: Maybe<Scalars['DateTime']['output']>;
  /** For the viewed account: the signed change of its balance (negative when money leaves it). Null when viewed without an account. */
  signedAmount?: Maybe<Money>;
  /** Lifecycle state. */
  status: TransactionStatus;
  /** Free tags on the viewer's side of the transaction. */
  tags: Array<Scalars['String']['output']>;
  /** The account money enters; null for money leaving the bank (withdrawals). */
  toAccount?: Maybe<Account>;
};

/** Spending categories. The bank guesses one from the description; the account owner can change it. */
export type TransactionCategory =
  /** Bills paid through the bank. */
  | 'BILLS'
  /** Cash withdrawals. */
  | 'CASH'
  /** Restaurants, cafes, delivery. */
  | 'DINING'
  /** Films, music, games, events. */
  | 'ENTERTAINMENT'
  /** Bank fees. */
  | 'FEES'
  /** Supermarkets and food stores. */
  | 'GROCERIES'
  /** Doctors, pharmacy. */
  | 'HEALTH'
  /** Rent, mortgage, home costs. */
  | 'HOUSING'
  /** Money received. */
  | 'INCOME'
  /** Loan disbursements and repayments. */
  | 'LOANS'
  /** Anything else. */
  | 'OTHER'
  /** Shops and online stores. */
  | 'SHOPPING'
  /** Between your own or other people's accounts. */
  | 'TRANSFER'
  /** Fuel, public transport, taxis. */
  | 'TRANSPORT'
  /** Flights, hotels. */
  | 'TRAVEL'
  /** Electricity, water, gas, phone, internet. */
  | 'UTILITIES';

/** A page of transactions. */
export type TransactionConnection = {
  __typename?: 'TransactionConnection';
  /** The transactions of this page. */
  edges: Array<TransactionEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One transaction and its cursor. */
export type TransactionEdge = {
  __typename?: 'TransactionEdge';
  /** Opaque cursor: pass it as `after` to continue after this transaction. */
  cursor: Scalars['String']['output'];
  /** The transaction. */
  node: Transaction;
};

/** Which transactions to list. */
export type TransactionFilter = {
  /** Only this category (on the account's side). */
  category?: InputMaybe<TransactionCategory>;
  /** Created at or after this instant. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only this kind. */
  kind?: InputMaybe<TransactionKind>;
  /** Amount at most this much. */
  maxAmount?: InputMaybe<Scalars['Decimal']['input']>;
  /** Amount at least this much. */
  minAmount?: InputMaybe<Scalars['Decimal']['input']>;
  /** Created before this instant. */
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Kinds of ledger transactions. */
export type TransactionKind =
  /** Payment of a bill to a biller's settlement account. */
  | 'BILL_PAYMENT'
  /** Money entering the bank into an account. */
  | 'DEPOSIT'
  /** A loan's principal paid into the borrower's account. */
  | 'LOAN_DISBURSEMENT'
  /** A loan repayment from the borrower's account. */
  | 'LOAN_REPAYMENT'
  /** Reverses an earlier transaction. */
  | 'REVERSAL'
  /** Between two accounts of the bank. */
  | 'TRANSFER'
  /** Money leaving the bank from an account. */
  | 'WITHDRAWAL';

/** Lifecycle of a transaction. */
export type TransactionStatus =
  /** Funds are reserved (a hold) but not moved yet. */
  | 'PENDING'
  /** Moved: the ledger entries are written. */
  | 'POSTED'
  /** A hold released without moving money. */
  | 'VOIDED';

/** Money from one of your accounts to any ACTIVE or FROZEN account of the same currency (a frozen account receives but cannot send). */
export type TransferInput = {
  /** Positive amount, with at most the currency's decimals. */
  amount: Scalars['Decimal']['input'];
  /** Optional description, at most 200 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Your account, where the money leaves. */
  fromAccountId: Scalars['ID']['input'];
  /** Unique per request you mean (1 to 100 characters). */
  idempotencyKey: Scalars['String']['input'];
  /** The proof `confirmStepUp` gave for this transfer's STEP_UP_REQUIRED challenge, when it asked for one (retry with the same idempotency key). */
  stepUpProof?: InputMaybe<Scalars['String']['input']>;
  /** Any ACTIVE or FROZEN account in the same currency, yours or someone else's. */
  toAccountId: Scalars['ID']['input'];
};

/** A user of the bank (owned by the identity subgraph); banking adds their accounts and spending. */
export type User = {
  __typename?: 'User';
  /** The user's accounts, oldest first. Only the user themself and ADMINs may read them. */
  accounts: Array<Account>;
  /** The user's id. */
  id: Scalars['ID']['output'];
  /** Spending (money out of the user's accounts) between two instants, by category and by month, per currency. Only the user themself and ADMINs. */
  spendingSummary: SpendingSummary;
};


/** A user of the bank (owned by the identity subgraph); banking adds their accounts and spending. */
export type UserSpendingSummaryArgs = {
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};

/** The staff roles a hold may name as viewers (services only): every member of the role may view. */
export type ViewerRole =
  /** Every risk officer. */
  | 'RISK_OFFICER';

/** Money leaving the bank from one of your accounts. */
export type WithdrawInput = {
  /** Your account. */
  accountId: Scalars['ID']['input'];
  /** Positive amount, with at most the currency's decimals. */
  amount: Scalars['Decimal']['input'];
  /** Optional description, at most 200 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Unique per request you mean (1 to 100 characters). */
  idempotencyKey: Scalars['String']['input'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Account: Account;
  Transaction: Transaction;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Account:
    ( { __typename: 'Account' }
    & GraphQLRecursivePick<FederationTypes['Account'], {"id":true}> );
  Transaction:
    ( { __typename: 'Transaction' }
    & GraphQLRecursivePick<FederationTypes['Transaction'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<AccountModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AccountStatus: AccountStatus;
  AccountType: AccountType;
  CategorySpending: ResolverTypeWrapper<CategorySpendingModelModel>;
  CreateHoldInput: CreateHoldInput;
  Currency: Currency;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  DepositInput: DepositInput;
  HoldViewersInput: HoldViewersInput;
  Money: ResolverTypeWrapper<Money>;
  MonthlySpending: ResolverTypeWrapper<MonthlySpendingModelModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OpenAccountInput: OpenAccountInput;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SpendingSummary: ResolverTypeWrapper<SpendingDataModel>;
  Statement: ResolverTypeWrapper<StatementDataModel>;
  StatementEntry: ResolverTypeWrapper<StatementLineModelModel>;
  SystemAccount: SystemAccount;
  Transaction: ResolverTypeWrapper<TransactionViewModel>;
  TransactionCategory: TransactionCategory;
  TransactionConnection: ResolverTypeWrapper<Omit<TransactionConnection, 'edges'> & { edges: Array<ResolversTypes['TransactionEdge']> }>;
  TransactionEdge: ResolverTypeWrapper<Omit<TransactionEdge, 'node'> & { node: ResolversTypes['Transaction'] }>;
  TransactionFilter: TransactionFilter;
  TransactionKind: TransactionKind;
  TransactionStatus: TransactionStatus;
  TransferInput: TransferInput;
  User: ResolverTypeWrapper<UserRefModel>;
  ViewerRole: ViewerRole;
  WithdrawInput: WithdrawInput;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: AccountModel;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  CategorySpending: CategorySpendingModelModel;
  CreateHoldInput: CreateHoldInput;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  DepositInput: DepositInput;
  HoldViewersInput: HoldViewersInput;
  Money: Money;
  MonthlySpending: MonthlySpendingModelModel;
  Mutation: Record<PropertyKey, never>;
  OpenAccountInput: OpenAccountInput;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  SpendingSummary: SpendingDataModel;
  Statement: StatementDataModel;
  StatementEntry: StatementLineModelModel;
  Transaction: TransactionViewModel;
  TransactionConnection: Omit<TransactionConnection, 'edges'> & { edges: Array<ResolversParentTypes['TransactionEdge']> };
  TransactionEdge: Omit<TransactionEdge, 'node'> & { node: ResolversParentTypes['Transaction'] };
  TransactionFilter: TransactionFilter;
  TransferInput: TransferInput;
  User: UserRefModel;
  WithdrawInput: WithdrawInput;
}>;

export type AccountResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account'], FederationReferenceType extends FederationReferenceTypes['Account'] = FederationReferenceTypes['Account']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Account']> | FederationReferenceType, FederationReferenceType, ContextType>;
  availableBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['Currency'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lowBalanceAlert?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  maskedNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nickname?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  statement?: Resolver<ResolversTypes['Statement'], ParentType, ContextType, RequireFields<AccountStatementArgs, 'month'>>;
  status?: Resolver<ResolversTypes['AccountStatus'], ParentType, ContextType>;
  transactions?: Resolver<ResolversTypes['TransactionConnection'], ParentType, ContextType, RequireFields<AccountTransactionsArgs, 'first'>>;
  type?: Resolver<ResolversTypes['AccountType'], ParentType, ContextType>;
}>;

export type CategorySpendingResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['CategorySpending'] = ResolversParentTypes['CategorySpending']> = ResolversObject<{
  category?: Resolver<ResolversTypes['TransactionCategory'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type MoneyResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['Currency'], ParentType, ContextType>;
}>;

export type MonthlySpendingResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['MonthlySpending'] = ResolversParentTypes['MonthlySpending']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  month?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  categorizeTransaction?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationCategorizeTransactionArgs, 'category' | 'id'>>;
  createHold?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationCreateHoldArgs, 'input'>>;
  deposit?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationDepositArgs, 'input'>>;
  freezeAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationFreezeAccountArgs, 'id'>>;
  openAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationOpenAccountArgs, 'input'>>;
  postHold?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationPostHoldArgs, 'id'>>;
  setLowBalanceAlert?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationSetLowBalanceAlertArgs, 'accountId'>>;
  tagTransaction?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationTagTransactionArgs, 'id' | 'tags'>>;
  transfer?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationTransferArgs, 'input'>>;
  unfreezeAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationUnfreezeAccountArgs, 'id'>>;
  voidHold?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationVoidHoldArgs, 'id'>>;
  withdraw?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType, RequireFields<MutationWithdrawArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountArgs, 'id'>>;
  bankingErasureBlockers?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryBankingErasureBlockersArgs, 'userId'>>;
  bankingPersonalData?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryBankingPersonalDataArgs, 'userId'>>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<QueryTransactionArgs, 'id'>>;
}>;

export type SpendingSummaryResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['SpendingSummary'] = ResolversParentTypes['SpendingSummary']> = ResolversObject<{
  byCategory?: Resolver<Array<ResolversTypes['CategorySpending']>, ParentType, ContextType>;
  byMonth?: Resolver<Array<ResolversTypes['MonthlySpending']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type StatementResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['Statement'] = ResolversParentTypes['Statement']> = ResolversObject<{
  closingBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  entries?: Resolver<Array<ResolversTypes['StatementEntry']>, ParentType, ContextType>;
  month?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  openingBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  totalCredits?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  totalDebits?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type StatementEntryResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['StatementEntry'] = ResolversParentTypes['StatementEntry']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balanceAfter?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TransactionKind'], ParentType, ContextType>;
  postedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  transactionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type TransactionResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction'], FederationReferenceType extends FederationReferenceTypes['Transaction'] = FederationReferenceTypes['Transaction']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Transaction']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  category?: Resolver<ResolversTypes['TransactionCategory'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fromAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TransactionKind'], ParentType, ContextType>;
  postedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  signedAmount?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['TransactionStatus'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  toAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
}>;

export type TransactionConnectionResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['TransactionConnection'] = ResolversParentTypes['TransactionConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['TransactionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type TransactionEdgeResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['TransactionEdge'] = ResolversParentTypes['TransactionEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = BankingContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  accounts?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  spendingSummary?: Resolver<ResolversTypes['SpendingSummary'], ParentType, ContextType, RequireFields<UserSpendingSummaryArgs, 'from' | 'to'>>;
}>;

export type Resolvers<ContextType = BankingContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  CategorySpending?: CategorySpendingResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  MonthlySpending?: MonthlySpendingResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SpendingSummary?: SpendingSummaryResolvers<ContextType>;
  Statement?: StatementResolvers<ContextType>;
  StatementEntry?: StatementEntryResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  TransactionConnection?: TransactionConnectionResolvers<ContextType>;
  TransactionEdge?: TransactionEdgeResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

