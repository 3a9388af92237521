import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Ref as RefModel, Biller as BillerModel, Bill as BillModel, BillPayment as BillPaymentModel, ScheduledPayment as ScheduledPaymentModel } from '../models.ts';
import type { BillingContext } from '../context.ts';
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

/** A bank account (owned by the banking subgraph). */
export type Account = {
  __typename?: 'Account';
  /** The account's id. */
  id: Scalars['ID']['output'];
};

/** A bill you owe. */
export type AddBillInput = {
  /** Positive amount in the biller's currency. */
  amount: Scalars['Decimal']['input'];
  /** An active biller. */
  billerId: Scalars['ID']['input'];
  /** Your reference with the biller, 1 to 100 characters. */
  customerReference: Scalars['String']['input'];
  /** Due date, YYYY-MM-DD. */
  dueDate: Scalars['String']['input'];
};

/** A bill a user owes to a biller. Visible to its owner and ADMINs only. */
export type Bill = {
  __typename?: 'Bill';
  /** The amount of the bill. */
  amount: Money;
  /** Who it is owed to. */
  biller: Biller;
  /** When it was added. */
  createdAt: Scalars['DateTime']['output'];
  /** The user's reference with the biller (account or contract number). */
  customerReference: Scalars['String']['output'];
  /** When it is due (YYYY-MM-DD). */
  dueDate: Scalars['String']['output'];
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** Who owes it. */
  owner: User;
  /** Paid so far (payments recorded on it, including any still being settled with banking). */
  paid: Money;
  /** Its payments, oldest first. */
  payments: Array<BillPayment>;
  /** Still owed: the amount less what is paid. */
  remaining: Money;
  /** Its scheduled payments, oldest first. */
  scheduledPayments: Array<ScheduledPayment>;
  /** Where it stands. */
  status: BillStatus;
};

/** A payment of (part of) a bill from one of the owner's accounts. */
export type BillPayment = {
  __typename?: 'BillPayment';
  /** The amount paid. */
  amount: Money;
  /** The bill. */
  bill: Bill;
  /** When it was made. */
  createdAt: Scalars['DateTime']['output'];
  /** The error code of a FAILED payment (INSUFFICIENT_FUNDS, ACCOUNT_NOT_ACTIVE...). */
  failureCode?: Maybe<Scalars['String']['output']>;
  /** Why it failed, if it did. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** The account it is paid from. */
  fromAccount: Account;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The scheduled payment that made it, if any. */
  scheduledPayment?: Maybe<ScheduledPayment>;
  /** When it completed or failed. */
  settledAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where it stands. */
  status: BillPaymentStatus;
  /** The banking transaction that moved the money (once COMPLETED). */
  transaction?: Maybe<Transaction>;
};

/** A page of bill payments. */
export type BillPaymentConnection = {
  __typename?: 'BillPaymentConnection';
  /** The payments of this page, newest first. */
  edges: Array<BillPaymentEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One bill payment and its cursor. */
export type BillPaymentEdge = {
  __typename?: 'BillPaymentEdge';
  /** Opaque cursor: pass it as `after` to continue after this payment. */
  cursor: Scalars['String']['output'];
  /** The payment. */
  node: BillPayment;
};

/** Where a bill payment stands. */
export type BillPaymentStatus =
  /** Paid: the money left the account. */
  | 'COMPLETED'
  /** Nothing was paid (see `failureReason`). */
  | 'FAILED'
  /** Money is being moved (if banking is unreachable, it is finished or failed when it returns). */
  | 'PENDING';

/** Where a bill stands. */
export type BillStatus =
  /** Cancelled: nothing more is owed. */
  | 'CANCELLED'
  /** To be paid, not overdue yet. */
  | 'DUE'
  /** Not paid in full by its due date. */
  | 'OVERDUE'
  /** Paid in full. */
  | 'PAID'
  /** A payment is scheduled for it. */
  | 'SCHEDULED';

/** A company or authority users pay bills to. Payments reach it through the bank's bill settlement account. */
export type Biller = {
  __typename?: 'Biller';
  /** Whether bills can be added for it (inactive billers are shown to ADMINs only). */
  active: Scalars['Boolean']['output'];
  /** What kind of biller it is. */
  category: BillerCategory;
  /** Currency its bills are in. */
  currency: Currency;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** Name shown to users. */
  name: Scalars['String']['output'];
};

/** Kinds of billers. */
export type BillerCategory =
  /** Credit card statements. */
  | 'CREDIT_CARD'
  /** Insurance premiums. */
  | 'INSURANCE'
  /** Internet and cable. */
  | 'INTERNET'
  /** Anything else. */
  | 'OTHER'
  /** Mobile and landline phone. */
  | 'PHONE'
  /** Taxes and public dues. */
  | 'TAX'
  /** Electricity, gas, water. */
  | 'UTILITIES';

/** A biller to add (ADMIN). */
export type CreateBillerInput = {
  /** Category. */
  category: BillerCategory;
  /** Currency of its bills. */
  currency: Currency;
  /** Name, 1 to 100 characters, unique. */
  name: Scalars['String']['input'];
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

/** A bill issued to a user by an ADMIN (standing in for a biller's feed). */
export type IssueBillInput = {
  /** Positive amount in the biller's currency. */
  amount: Scalars['Decimal']['input'];
  /** An active biller. */
  billerId: Scalars['ID']['input'];
  /** The user's reference with the biller, 1 to 100 characters. */
  customerReference: Scalars['String']['input'];
  /** Due date, YYYY-MM-DD. */
  dueDate: Scalars['String']['input'];
  /** The user who owes it. */
  userId: Scalars['ID']['input'];
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
  /** Registers a bill you owe. */
  addBill: Bill;
  /** Cancels one of your bills that nothing has been paid on (its scheduled payments too). */
  cancelBill: Bill;
  /** Cancels one of your scheduled payments before its day. */
  cancelScheduledPayment: ScheduledPayment;
  /** ADMIN only: adds a biller. */
  createBiller: Biller;
  /** ADMIN only: issues a bill to a user. */
  issueBill: Bill;
  /** Pays (part of) one of your bills from one of your accounts. If banking refuses (insufficient funds, an inactive account), the payment is returned FAILED with its reason and nothing moves; if banking is unreachable, it is returned PENDING and finished later. */
  payBill: BillPayment;
  /** Schedules the payment of a bill's remaining amount on a day to come. */
  schedulePayment: ScheduledPayment;
  /** ADMIN only: renames, recategorizes, deactivates or reactivates a biller. */
  updateBiller: Biller;
};


export type MutationAddBillArgs = {
  input: AddBillInput;
};


export type MutationCancelBillArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCancelScheduledPaymentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateBillerArgs = {
  input: CreateBillerInput;
};


export type MutationIssueBillArgs = {
  input: IssueBillInput;
};


export type MutationPayBillArgs = {
  input: PayBillInput;
};


export type MutationSchedulePaymentArgs = {
  input: SchedulePaymentInput;
};


export type MutationUpdateBillerArgs = {
  input: UpdateBillerInput;
};

/** Where a page of a list ends. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A payment of one of your bills. */
export type PayBillInput = {
  /** Positive, at most what is still owed. */
  amount: Scalars['Decimal']['input'];
  /** The bill (yours, not paid or cancelled). */
  billId: Scalars['ID']['input'];
  /** One of your accounts, in the bill's currency. */
  fromAccountId: Scalars['ID']['input'];
  /** Unique per request you mean (1 to 100 characters): a retry returns the first result. */
  idempotencyKey: Scalars['String']['input'];
  /** The proof `confirmStepUp` gave for this payment's STEP_UP_REQUIRED challenge, when it asked for one (retry with the same idempotency key). */
  stepUpProof?: InputMaybe<Scalars['String']['input']>;
};

export type Query = {
  __typename?: 'Query';
  /** One of your bills (ADMINs: any); NOT_FOUND otherwise. */
  bill?: Maybe<Bill>;
  /** One of your bill payments (ADMINs: any); NOT_FOUND otherwise. */
  billPayment?: Maybe<BillPayment>;
  /** Billers users can pay, by name (optionally of one category). Any signed-in user; ADMINs also see inactive ones. */
  billers: Array<Biller>;
  /** Services only (identity, for the customer's data rights): everything billing holds about a user (bills, bill payments, scheduled payments), as the JSON text of one section of a data export. */
  billingPersonalData: Scalars['String']['output'];
};


export type QueryBillArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBillPaymentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBillersArgs = {
  category?: InputMaybe<BillerCategory>;
};


export type QueryBillingPersonalDataArgs = {
  userId: Scalars['ID']['input'];
};

/** A payment of a bill's remaining amount on a day to come. */
export type SchedulePaymentInput = {
  /** The bill (yours, not paid or cancelled). */
  billId: Scalars['ID']['input'];
  /** One of your accounts, in the bill's currency. */
  fromAccountId: Scalars['ID']['input'];
  /** The day to pay, YYYY-MM-DD (UTC): today or later. */
  payOn: Scalars['String']['input'];
  /** The proof `confirmStepUp` gave for this schedule's STEP_UP_REQUIRED challenge, when it asked for one (scheduling authorizes the payment). */
  stepUpProof?: InputMaybe<Scalars['String']['input']>;
};

/** A payment of a bill's remaining amount to be made on a given day by the billing service. */
export type ScheduledPayment = {
  __typename?: 'ScheduledPayment';
  /** The bill. */
  bill: Bill;
  /** When it was scheduled. */
  createdAt: Scalars['DateTime']['output'];
  /** The account it will be paid from. */
  fromAccount: Account;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The day it is paid (YYYY-MM-DD, UTC). */
  payOn: Scalars['String']['output'];
  /** The payment made on its day. */
  payment?: Maybe<BillPayment>;
  /** Where it stands. */
  status: ScheduledPaymentStatus;
};

/** Where a scheduled payment stands. */
export type ScheduledPaymentStatus =
  /** Cancelled before its day (by its owner, or because the bill was paid or cancelled first). */
  | 'CANCELLED'
  /** Its day came and the payment was made (see `payment` for its outcome). */
  | 'EXECUTED'
  /** Waiting for its day. */
  | 'SCHEDULED';

/** A ledger transaction (owned by the banking subgraph). */
export type Transaction = {
  __typename?: 'Transaction';
  /** The transaction's id. */
  id: Scalars['ID']['output'];
};

/** Changes to a biller (ADMIN); omitted fields stay as they are. */
export type UpdateBillerInput = {
  /** Whether new bills can be added for it. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** New category. */
  category?: InputMaybe<BillerCategory>;
  /** The biller. */
  id: Scalars['ID']['input'];
  /** New name. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** A person who uses the bank (owned by the identity subgraph); billing adds their bills and bill payments. */
export type User = {
  __typename?: 'User';
  /** The user's bill payments, newest first. Only the user themself (and ADMINs). */
  billPayments: BillPaymentConnection;
  /** The user's bills, soonest due first (optionally in one status). Only the user themself (and ADMINs) may read them. */
  bills: Array<Bill>;
  /** The user's id. */
  id: Scalars['ID']['output'];
  /** Bills not paid or cancelled that are due within `days` days (overdue ones included), soonest first. Only the user themself (and ADMINs). */
  upcomingBills: Array<Bill>;
};


/** A person who uses the bank (owned by the identity subgraph); billing adds their bills and bill payments. */
export type UserBillPaymentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A person who uses the bank (owned by the identity subgraph); billing adds their bills and bill payments. */
export type UserBillsArgs = {
  status?: InputMaybe<BillStatus>;
};


/** A person who uses the bank (owned by the identity subgraph); billing adds their bills and bill payments. */
export type UserUpcomingBillsArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
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
  Bill: Bill;
  BillPayment: BillPayment;
  Biller: Biller;
  ScheduledPayment: ScheduledPayment;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Bill:
    ( { __typename: 'Bill' }
    & GraphQLRecursivePick<FederationTypes['Bill'], {"id":true}> );
  BillPayment:
    ( { __typename: 'BillPayment' }
    & GraphQLRecursivePick<FederationTypes['BillPayment'], {"id":true}> );
  Biller:
    ( { __typename: 'Biller' }
    & GraphQLRecursivePick<FederationTypes['Biller'], {"id":true}> );
  ScheduledPayment:
    ( { __typename: 'ScheduledPayment' }
    & GraphQLRecursivePick<FederationTypes['ScheduledPayment'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<RefModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AddBillInput: AddBillInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Bill: ResolverTypeWrapper<BillModel>;
  BillPayment: ResolverTypeWrapper<BillPaymentModel>;
  BillPaymentConnection: ResolverTypeWrapper<Omit<BillPaymentConnection, 'edges'> & { edges: Array<ResolversTypes['BillPaymentEdge']> }>;
  BillPaymentEdge: ResolverTypeWrapper<Omit<BillPaymentEdge, 'node'> & { node: ResolversTypes['BillPayment'] }>;
  BillPaymentStatus: BillPaymentStatus;
  BillStatus: BillStatus;
  Biller: ResolverTypeWrapper<BillerModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BillerCategory: BillerCategory;
  CreateBillerInput: CreateBillerInput;
  Currency: Currency;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  IssueBillInput: IssueBillInput;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PayBillInput: PayBillInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SchedulePaymentInput: SchedulePaymentInput;
  ScheduledPayment: ResolverTypeWrapper<ScheduledPaymentModel>;
  ScheduledPaymentStatus: ScheduledPaymentStatus;
  Transaction: ResolverTypeWrapper<RefModel>;
  UpdateBillerInput: UpdateBillerInput;
  User: ResolverTypeWrapper<RefModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: RefModel;
  ID: Scalars['ID']['output'];
  AddBillInput: AddBillInput;
  String: Scalars['String']['output'];
  Bill: BillModel;
  BillPayment: BillPaymentModel;
  BillPaymentConnection: Omit<BillPaymentConnection, 'edges'> & { edges: Array<ResolversParentTypes['BillPaymentEdge']> };
  BillPaymentEdge: Omit<BillPaymentEdge, 'node'> & { node: ResolversParentTypes['BillPayment'] };
  Biller: BillerModel;
  Boolean: Scalars['Boolean']['output'];
  CreateBillerInput: CreateBillerInput;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  IssueBillInput: IssueBillInput;
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PayBillInput: PayBillInput;
  Query: Record<PropertyKey, never>;
  SchedulePaymentInput: SchedulePaymentInput;
  ScheduledPayment: ScheduledPaymentModel;
  Transaction: RefModel;
  UpdateBillerInput: UpdateBillerInput;
  User: RefModel;
  Int: Scalars['Int']['output'];
}>;

export type AccountResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type BillResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Bill'] = ResolversParentTypes['Bill'], FederationReferenceType extends FederationReferenceTypes['Bill'] = FederationReferenceTypes['Bill']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Bill']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  biller?: Resolver<ResolversTypes['Biller'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  customerReference?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dueDate?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  paid?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  payments?: Resolver<Array<ResolversTypes['BillPayment']>, ParentType, ContextType>;
  remaining?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  scheduledPayments?: Resolver<Array<ResolversTypes['ScheduledPayment']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BillStatus'], ParentType, ContextType>;
}>;

export type BillPaymentResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['BillPayment'] = ResolversParentTypes['BillPayment'], FederationReferenceType extends FederationReferenceTypes['BillPayment'] = FederationReferenceTypes['BillPayment']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['BillPayment']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  bill?: Resolver<ResolversTypes['Bill'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  failureCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fromAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  scheduledPayment?: Resolver<Maybe<ResolversTypes['ScheduledPayment']>, ParentType, ContextType>;
  settledAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BillPaymentStatus'], ParentType, ContextType>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
}>;

export type BillPaymentConnectionResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['BillPaymentConnection'] = ResolversParentTypes['BillPaymentConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['BillPaymentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type BillPaymentEdgeResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['BillPaymentEdge'] = ResolversParentTypes['BillPaymentEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['BillPayment'], ParentType, ContextType>;
}>;

export type BillerResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Biller'] = ResolversParentTypes['Biller'], FederationReferenceType extends FederationReferenceTypes['Biller'] = FederationReferenceTypes['Biller']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Biller']> | FederationReferenceType, FederationReferenceType, ContextType>;
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  category?: Resolver<ResolversTypes['BillerCategory'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['Currency'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type MoneyResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['Currency'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addBill?: Resolver<ResolversTypes['Bill'], ParentType, ContextType, RequireFields<MutationAddBillArgs, 'input'>>;
  cancelBill?: Resolver<ResolversTypes['Bill'], ParentType, ContextType, RequireFields<MutationCancelBillArgs, 'id'>>;
  cancelScheduledPayment?: Resolver<ResolversTypes['ScheduledPayment'], ParentType, ContextType, RequireFields<MutationCancelScheduledPaymentArgs, 'id'>>;
  createBiller?: Resolver<ResolversTypes['Biller'], ParentType, ContextType, RequireFields<MutationCreateBillerArgs, 'input'>>;
  issueBill?: Resolver<ResolversTypes['Bill'], ParentType, ContextType, RequireFields<MutationIssueBillArgs, 'input'>>;
  payBill?: Resolver<ResolversTypes['BillPayment'], ParentType, ContextType, RequireFields<MutationPayBillArgs, 'input'>>;
  schedulePayment?: Resolver<ResolversTypes['ScheduledPayment'], ParentType, ContextType, RequireFields<MutationSchedulePaymentArgs, 'input'>>;
  updateBiller?: Resolver<ResolversTypes['Biller'], ParentType, ContextType, RequireFields<MutationUpdateBillerArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  bill?: Resolver<Maybe<ResolversTypes['Bill']>, ParentType, ContextType, RequireFields<QueryBillArgs, 'id'>>;
  billPayment?: Resolver<Maybe<ResolversTypes['BillPayment']>, ParentType, ContextType, RequireFields<QueryBillPaymentArgs, 'id'>>;
  billers?: Resolver<Array<ResolversTypes['Biller']>, ParentType, ContextType, Partial<QueryBillersArgs>>;
  billingPersonalData?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryBillingPersonalDataArgs, 'userId'>>;
}>;

export type ScheduledPaymentResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['ScheduledPayment'] = ResolversParentTypes['ScheduledPayment'], FederationReferenceType extends FederationReferenceTypes['ScheduledPayment'] = FederationReferenceTypes['ScheduledPayment']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ScheduledPayment']> | FederationReferenceType, FederationReferenceType, ContextType>;
  bill?: Resolver<ResolversTypes['Bill'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  fromAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  payOn?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  payment?: Resolver<Maybe<ResolversTypes['BillPayment']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ScheduledPaymentStatus'], ParentType, ContextType>;
}>;

export type TransactionResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = BillingContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  billPayments?: Resolver<ResolversTypes['BillPaymentConnection'], ParentType, ContextType, RequireFields<UserBillPaymentsArgs, 'first'>>;
  bills?: Resolver<Array<ResolversTypes['Bill']>, ParentType, ContextType, Partial<UserBillsArgs>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  upcomingBills?: Resolver<Array<ResolversTypes['Bill']>, ParentType, ContextType, RequireFields<UserUpcomingBillsArgs, 'days'>>;
}>;

export type Resolvers<ContextType = BillingContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  Bill?: BillResolvers<ContextType>;
  BillPayment?: BillPaymentResolvers<ContextType>;
  BillPaymentConnection?: BillPaymentConnectionResolvers<ContextType>;
  BillPaymentEdge?: BillPaymentEdgeResolvers<ContextType>;
  Biller?: BillerResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ScheduledPayment?: ScheduledPaymentResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

