import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Ref as RefModel, AssistantSession as AssistantSessionModel, AssistantTurn as AssistantTurnModel, AssistantAction as AssistantActionModel, StoredCard as StoredCardModel, SpendingLine as SpendingLineModel } from '../models.ts';
import type { AssistantContext } from '../context.ts';
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

/** A bank account (owned by the banking subgraph); fields are resolved there, with the reader's own authority. */
export type Account = {
  __typename?: 'Account';
  /** The account's id. */
  id: Scalars['ID']['output'];
};

/** A message to the assistant. */
export type AskAssistantInput = {
  /** The client's own id of this message (1 to 100 characters): sending it again returns the first turn instead of a second one. */
  clientMessageId?: InputMaybe<Scalars['String']['input']>;
  /** The session to continue; omitted, a new one starts. */
  sessionId?: InputMaybe<Scalars['ID']['input']>;
  /** What the customer says, 1 to 1,000 characters. */
  text: Scalars['String']['input'];
};

/** A money movement the assistant proposed. It moves nothing until its owner calls `confirmAssistantAction`. */
export type AssistantAction = {
  __typename?: 'AssistantAction';
  /** The exact amount. */
  amount: Money;
  /** The bill it pays (PAY_BILL). */
  bill?: Maybe<Bill>;
  /** The bill payment, once confirmed. */
  billPayment?: Maybe<BillPayment>;
  /** After this instant it can no longer be confirmed. */
  expiresAt: Scalars['DateTime']['output'];
  /** Why the bank refused it (an error code such as INSUFFICIENT_FUNDS), when FAILED. */
  failureCode?: Maybe<Scalars['String']['output']>;
  /** The account the money leaves. */
  fromAccount: Account;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** What it does. */
  kind: AssistantActionKind;
  /** Where it stands. */
  status: AssistantActionStatus;
  /** The action in words, as the customer was asked to confirm it. */
  summary: Scalars['String']['output'];
  /** The account it goes to (TRANSFER), when it is one of yours; null for another customer's (see `toAccountId`). */
  toAccount?: Maybe<Account>;
  /** The id of the account it goes to (TRANSFER), as you gave it. */
  toAccountId?: Maybe<Scalars['ID']['output']>;
  /** The transfer's transaction, once confirmed. */
  transaction?: Maybe<Transaction>;
};

/** What an action does. */
export type AssistantActionKind =
  /** A bill payment (billing's `payBill`). */
  | 'PAY_BILL'
  /** A transfer between accounts (banking's `transfer`). */
  | 'TRANSFER';

/** Where an action stands. */
export type AssistantActionStatus =
  /** Cancelled by the customer: nothing moved. */
  | 'CANCELLED'
  /** Confirmed and done: the money moved. */
  | 'CONFIRMED'
  /** Not confirmed in time: nothing moved. */
  | 'EXPIRED'
  /** Confirmed, but the bank refused it (see `failureCode`): nothing moved. */
  | 'FAILED'
  /** Waiting for `confirmAssistantAction`. */
  | 'PENDING';

/** A structured result. Its objects are references resolved by the subgraphs that own them, with the reader's own authority: the numbers are the ledger's, live. */
export type AssistantCard = {
  __typename?: 'AssistantCard';
  /** Accounts (ACCOUNTS). */
  accounts: Array<Account>;
  /** Bills (BILLS). */
  bills: Array<Bill>;
  /** What the card shows. */
  kind: AssistantCardKind;
  /** Loan applications (LOANS). */
  loanApplications: Array<LoanApplication>;
  /** Loans (LOANS). */
  loans: Array<Loan>;
  /** Spending by category (SPENDING), as the banking subgraph summed it when the turn was made. */
  spending: Array<AssistantSpendingLine>;
  /** A short title ("Your accounts", "Dining in November"). */
  title: Scalars['String']['output'];
  /** Transactions, newest first (TRANSACTIONS). */
  transactions: Array<Transaction>;
};

/** What a card shows. */
export type AssistantCardKind =
  /** Accounts with their balances. */
  | 'ACCOUNTS'
  /** Bills. */
  | 'BILLS'
  /** Loan applications and loans. */
  | 'LOANS'
  /** Spending by category. */
  | 'SPENDING'
  /** Transactions found. */
  | 'TRANSACTIONS';

/** A conversation of one customer with the assistant. Only that customer sees it, on every path. */
export type AssistantSession = {
  __typename?: 'AssistantSession';
  /** The conversation with a banker it was handed over to, if it was. */
  handedOffTo?: Maybe<Conversation>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** When its last turn was added. */
  lastTurnAt: Scalars['DateTime']['output'];
  /** When it started. */
  startedAt: Scalars['DateTime']['output'];
  /** Its turns, oldest first. */
  turns: AssistantTurnConnection;
};


/** A conversation of one customer with the assistant. Only that customer sees it, on every path. */
export type AssistantSessionTurnsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of assistant sessions. */
export type AssistantSessionConnection = {
  __typename?: 'AssistantSessionConnection';
  /** The sessions of this page. */
  edges: Array<AssistantSessionEdge>;
  /** Where the page ends. */
  pageInfo: PageInfo;
};

/** One session and its cursor. */
export type AssistantSessionEdge = {
  __typename?: 'AssistantSessionEdge';
  /** Opaque cursor: pass it as `after` to continue after this session. */
  cursor: Scalars['String']['output'];
  /** The session. */
  node: AssistantSession;
};

/** Spending in one category and period, beside the period before it. */
export type AssistantSpendingLine = {
  __typename?: 'AssistantSpendingLine';
  /** The category (a banking TransactionCategory). */
  category: Scalars['String']['output'];
  /** Number of transactions in the period. */
  count: Scalars['Int']['output'];
  /** Spent in the period before, of the same length. */
  previousTotal: Money;
  /** Spent in the period. */
  total: Money;
};

/** One exchange: what the customer said (or did: confirmed, cancelled) and the assistant's answer. */
export type AssistantTurn = {
  __typename?: 'AssistantTurn';
  /** The action this turn proposed or decided, if any. */
  action?: Maybe<AssistantAction>;
  /** Structured results a frontend can render. */
  cards: Array<AssistantCard>;
  /** True when the assistant was not sure and asked a clarifying question instead of acting. */
  clarifying: Scalars['Boolean']['output'];
  /** The client's id of the message, when it sent one. */
  clientMessageId?: Maybe<Scalars['String']['output']>;
  /** How sure the classifier was, 0 to 1 (1 for confirmations and cancellations). */
  confidence: Scalars['Float']['output'];
  /** When the assistant answered. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The intent understood, lower case (`balance`, `transactions`, `transfer`, ...), `oos` when out of scope. */
  intent: Scalars['String']['output'];
  /** The action still waiting for the customer's confirmation after this turn, if any. */
  pendingAction?: Maybe<AssistantAction>;
  /** The assistant's answer, plain text. */
  reply: Scalars['String']['output'];
  /** The session it belongs to. */
  session: AssistantSession;
  /** Questions the customer may ask next. */
  suggestions: Array<Scalars['String']['output']>;
  /** What the customer wrote; null for a turn made by confirming or cancelling an action. */
  text?: Maybe<Scalars['String']['output']>;
};

/** A page of turns. */
export type AssistantTurnConnection = {
  __typename?: 'AssistantTurnConnection';
  /** The turns of this page. */
  edges: Array<AssistantTurnEdge>;
  /** Where the page ends. */
  pageInfo: PageInfo;
};

/** One turn and its cursor. */
export type AssistantTurnEdge = {
  __typename?: 'AssistantTurnEdge';
  /** Opaque cursor: pass it as `after` to continue after this turn. */
  cursor: Scalars['String']['output'];
  /** The turn. */
  node: AssistantTurn;
};

/** A bill (owned by the billing subgraph). */
export type Bill = {
  __typename?: 'Bill';
  /** The bill's id. */
  id: Scalars['ID']['output'];
};

/** A payment of a bill (owned by the billing subgraph). */
export type BillPayment = {
  __typename?: 'BillPayment';
  /** The payment's id. */
  id: Scalars['ID']['output'];
};

/** A conversation with a banker (owned by the messaging subgraph). */
export type Conversation = {
  __typename?: 'Conversation';
  /** The conversation's id. */
  id: Scalars['ID']['output'];
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

/** A loan (owned by the lending subgraph). */
export type Loan = {
  __typename?: 'Loan';
  /** The loan's id. */
  id: Scalars['ID']['output'];
};

/** A loan application (owned by the lending subgraph). */
export type LoanApplication = {
  __typename?: 'LoanApplication';
  /** The application's id. */
  id: Scalars['ID']['output'];
};

/** An amount of money in one currency. */
export type Money = {
  __typename?: 'Money';
  /** The amount, exact, with the currency's number of decimals. */
  amount: Scalars['Decimal']['output'];
  /** The currency. */
  currency: Currency;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Asks the assistant something. It reads with your own authority only and never moves money: a payment it understood becomes a pending action you confirm with `confirmAssistantAction`. */
  askAssistant: AssistantTurn;
  /** Cancels one of your pending actions: nothing moves. */
  cancelAssistantAction: AssistantTurn;
  /** Carries out one of your pending actions through banking's `transfer` or billing's `payBill`, with all their checks. A retry with the same idempotency key returns the first result; a second confirmation, a cancelled or expired action: INVALID_STATE_TRANSITION; someone else's: NOT_FOUND. When the payment needs a second factor it answers STEP_UP_REQUIRED: confirm the step-up, then call again with the same key and the proof. */
  confirmAssistantAction: AssistantTurn;
};


export type MutationAskAssistantArgs = {
  input: AskAssistantInput;
};


export type MutationCancelAssistantActionArgs = {
  actionId: Scalars['ID']['input'];
};


export type MutationConfirmAssistantActionArgs = {
  actionId: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
  stepUpProof?: InputMaybe<Scalars['String']['input']>;
};

/** Where a page of a list ends. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Services only (identity, for the customer's data rights): everything the assistant holds about a user, as the JSON text of one section of a data export. */
  assistantPersonalData: Scalars['String']['output'];
  /** One of your sessions with the assistant; null for anyone else's. */
  assistantSession?: Maybe<AssistantSession>;
};


export type QueryAssistantPersonalDataArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryAssistantSessionArgs = {
  id: Scalars['ID']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Turns added to one of your sessions, from any of your devices. */
  assistantTurnAdded: AssistantTurn;
};


export type SubscriptionAssistantTurnAddedArgs = {
  sessionId: Scalars['ID']['input'];
};

/** A ledger transaction (owned by the banking subgraph). */
export type Transaction = {
  __typename?: 'Transaction';
  /** The transaction's id. */
  id: Scalars['ID']['output'];
};

/** A user of the bank (owned by the identity subgraph); the assistant adds their conversations with it. */
export type User = {
  __typename?: 'User';
  /** The user's sessions with the assistant, the most recent first. Only the user themself may read them. */
  assistantSessions: AssistantSessionConnection;
  /** The user's id. */
  id: Scalars['ID']['output'];
};


/** A user of the bank (owned by the identity subgraph); the assistant adds their conversations with it. */
export type UserAssistantSessionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
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
  AssistantAction: AssistantAction;
  AssistantSession: AssistantSession;
  AssistantTurn: AssistantTurn;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  AssistantAction:
    ( { __typename: 'AssistantAction' }
    & GraphQLRecursivePick<FederationTypes['AssistantAction'], {"id":true}> );
  AssistantSession:
    ( { __typename: 'AssistantSession' }
    & GraphQLRecursivePick<FederationTypes['AssistantSession'], {"id":true}> );
  AssistantTurn:
    ( { __typename: 'AssistantTurn' }
    & GraphQLRecursivePick<FederationTypes['AssistantTurn'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<RefModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AskAssistantInput: AskAssistantInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  AssistantAction: ResolverTypeWrapper<AssistantActionModel>;
  AssistantActionKind: AssistantActionKind;
  AssistantActionStatus: AssistantActionStatus;
  AssistantCard: ResolverTypeWrapper<StoredCardModel>;
  AssistantCardKind: AssistantCardKind;
  AssistantSession: ResolverTypeWrapper<AssistantSessionModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AssistantSessionConnection: ResolverTypeWrapper<Omit<AssistantSessionConnection, 'edges'> & { edges: Array<ResolversTypes['AssistantSessionEdge']> }>;
  AssistantSessionEdge: ResolverTypeWrapper<Omit<AssistantSessionEdge, 'node'> & { node: ResolversTypes['AssistantSession'] }>;
  AssistantSpendingLine: ResolverTypeWrapper<SpendingLineModel>;
  AssistantTurn: ResolverTypeWrapper<AssistantTurnModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  AssistantTurnConnection: ResolverTypeWrapper<Omit<AssistantTurnConnection, 'edges'> & { edges: Array<ResolversTypes['AssistantTurnEdge']> }>;
  AssistantTurnEdge: ResolverTypeWrapper<Omit<AssistantTurnEdge, 'node'> & { node: ResolversTypes['AssistantTurn'] }>;
  Bill: ResolverTypeWrapper<RefModel>;
  BillPayment: ResolverTypeWrapper<RefModel>;
  Conversation: ResolverTypeWrapper<RefModel>;
  Currency: Currency;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  Loan: ResolverTypeWrapper<RefModel>;
  LoanApplication: ResolverTypeWrapper<RefModel>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Transaction: ResolverTypeWrapper<RefModel>;
  User: ResolverTypeWrapper<RefModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: RefModel;
  ID: Scalars['ID']['output'];
  AskAssistantInput: AskAssistantInput;
  String: Scalars['String']['output'];
  AssistantAction: AssistantActionModel;
  AssistantCard: StoredCardModel;
  AssistantSession: AssistantSessionModel;
  Int: Scalars['Int']['output'];
  AssistantSessionConnection: Omit<AssistantSessionConnection, 'edges'> & { edges: Array<ResolversParentTypes['AssistantSessionEdge']> };
  AssistantSessionEdge: Omit<AssistantSessionEdge, 'node'> & { node: ResolversParentTypes['AssistantSession'] };
  AssistantSpendingLine: SpendingLineModel;
  AssistantTurn: AssistantTurnModel;
  Boolean: Scalars['Boolean']['output'];
  Float: Scalars['Float']['output'];
  AssistantTurnConnection: Omit<AssistantTurnConnection, 'edges'> & { edges: Array<ResolversParentTypes['AssistantTurnEdge']> };
  AssistantTurnEdge: Omit<AssistantTurnEdge, 'node'> & { node: ResolversParentTypes['AssistantTurn'] };
  Bill: RefModel;
  BillPayment: RefModel;
  Conversation: RefModel;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  Loan: RefModel;
  LoanApplication: RefModel;
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
  Transaction: RefModel;
  User: RefModel;
}>;

export type AccountResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type AssistantActionResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantAction'] = ResolversParentTypes['AssistantAction'], FederationReferenceType extends FederationReferenceTypes['AssistantAction'] = FederationReferenceTypes['AssistantAction']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['AssistantAction']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  bill?: Resolver<Maybe<ResolversTypes['Bill']>, ParentType, ContextType>;
  billPayment?: Resolver<Maybe<ResolversTypes['BillPayment']>, ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  failureCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fromAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['AssistantActionKind'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AssistantActionStatus'], ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  toAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  toAccountId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
}>;

export type AssistantCardResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantCard'] = ResolversParentTypes['AssistantCard']> = ResolversObject<{
  accounts?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType>;
  bills?: Resolver<Array<ResolversTypes['Bill']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['AssistantCardKind'], ParentType, ContextType>;
  loanApplications?: Resolver<Array<ResolversTypes['LoanApplication']>, ParentType, ContextType>;
  loans?: Resolver<Array<ResolversTypes['Loan']>, ParentType, ContextType>;
  spending?: Resolver<Array<ResolversTypes['AssistantSpendingLine']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  transactions?: Resolver<Array<ResolversTypes['Transaction']>, ParentType, ContextType>;
}>;

export type AssistantSessionResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantSession'] = ResolversParentTypes['AssistantSession'], FederationReferenceType extends FederationReferenceTypes['AssistantSession'] = FederationReferenceTypes['AssistantSession']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['AssistantSession']> | FederationReferenceType, FederationReferenceType, ContextType>;
  handedOffTo?: Resolver<Maybe<ResolversTypes['Conversation']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastTurnAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  turns?: Resolver<ResolversTypes['AssistantTurnConnection'], ParentType, ContextType, RequireFields<AssistantSessionTurnsArgs, 'first'>>;
}>;

export type AssistantSessionConnectionResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantSessionConnection'] = ResolversParentTypes['AssistantSessionConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AssistantSessionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AssistantSessionEdgeResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantSessionEdge'] = ResolversParentTypes['AssistantSessionEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AssistantSession'], ParentType, ContextType>;
}>;

export type AssistantSpendingLineResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantSpendingLine'] = ResolversParentTypes['AssistantSpendingLine']> = ResolversObject<{
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  previousTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type AssistantTurnResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantTurn'] = ResolversParentTypes['AssistantTurn'], FederationReferenceType extends FederationReferenceTypes['AssistantTurn'] = FederationReferenceTypes['AssistantTurn']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['AssistantTurn']> | FederationReferenceType, FederationReferenceType, ContextType>;
  action?: Resolver<Maybe<ResolversTypes['AssistantAction']>, ParentType, ContextType>;
  cards?: Resolver<Array<ResolversTypes['AssistantCard']>, ParentType, ContextType>;
  clarifying?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  clientMessageId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  confidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  intent?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pendingAction?: Resolver<Maybe<ResolversTypes['AssistantAction']>, ParentType, ContextType>;
  reply?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  session?: Resolver<ResolversTypes['AssistantSession'], ParentType, ContextType>;
  suggestions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  text?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type AssistantTurnConnectionResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantTurnConnection'] = ResolversParentTypes['AssistantTurnConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AssistantTurnEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AssistantTurnEdgeResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['AssistantTurnEdge'] = ResolversParentTypes['AssistantTurnEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AssistantTurn'], ParentType, ContextType>;
}>;

export type BillResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Bill'] = ResolversParentTypes['Bill']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type BillPaymentResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['BillPayment'] = ResolversParentTypes['BillPayment']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type ConversationResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Conversation'] = ResolversParentTypes['Conversation']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type LoanResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Loan'] = ResolversParentTypes['Loan']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type LoanApplicationResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['LoanApplication'] = ResolversParentTypes['LoanApplication']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type MoneyResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['Currency'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  askAssistant?: Resolver<ResolversTypes['AssistantTurn'], ParentType, ContextType, RequireFields<MutationAskAssistantArgs, 'input'>>;
  cancelAssistantAction?: Resolver<ResolversTypes['AssistantTurn'], ParentType, ContextType, RequireFields<MutationCancelAssistantActionArgs, 'actionId'>>;
  confirmAssistantAction?: Resolver<ResolversTypes['AssistantTurn'], ParentType, ContextType, RequireFields<MutationConfirmAssistantActionArgs, 'actionId' | 'idempotencyKey'>>;
}>;

export type PageInfoResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  assistantPersonalData?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryAssistantPersonalDataArgs, 'userId'>>;
  assistantSession?: Resolver<Maybe<ResolversTypes['AssistantSession']>, ParentType, ContextType, RequireFields<QueryAssistantSessionArgs, 'id'>>;
}>;

export type SubscriptionResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  assistantTurnAdded?: SubscriptionResolver<ResolversTypes['AssistantTurn'], "assistantTurnAdded", ParentType, ContextType, RequireFields<SubscriptionAssistantTurnAddedArgs, 'sessionId'>>;
}>;

export type TransactionResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = AssistantContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  assistantSessions?: Resolver<ResolversTypes['AssistantSessionConnection'], ParentType, ContextType, RequireFields<UserAssistantSessionsArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = AssistantContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  AssistantAction?: AssistantActionResolvers<ContextType>;
  AssistantCard?: AssistantCardResolvers<ContextType>;
  AssistantSession?: AssistantSessionResolvers<ContextType>;
  AssistantSessionConnection?: AssistantSessionConnectionResolvers<ContextType>;
  AssistantSessionEdge?: AssistantSessionEdgeResolvers<ContextType>;
  AssistantSpendingLine?: AssistantSpendingLineResolvers<ContextType>;
  AssistantTurn?: AssistantTurnResolvers<ContextType>;
  AssistantTurnConnection?: AssistantTurnConnectionResolvers<ContextType>;
  AssistantTurnEdge?: AssistantTurnEdgeResolvers<ContextType>;
  Bill?: BillResolvers<ContextType>;
  BillPayment?: BillPaymentResolvers<ContextType>;
  Conversation?: ConversationResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Loan?: LoanResolvers<ContextType>;
  LoanApplication?: LoanApplicationResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

