import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Ref as RefModel, LendingProfile as LendingProfileModel, LoanApplication as LoanApplicationModel, ApplicationTransition as ApplicationTransitionModel, LoanDocument as LoanDocumentModel, DocumentContent as DocumentContentModel, Loan as LoanModel, InstallmentView as InstallmentViewModel, LoanRepayment as LoanRepaymentModel, Quote as QuoteModel } from '../models.ts';
import type { LendingContext } from '../context.ts';
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

/** Accepting an approved offer: the loan is paid into one of the applicant's accounts. */
export type AcceptLoanOfferInput = {
  /** The approved application. */
  applicationId: Scalars['ID']['input'];
  /** One of your ACTIVE BUSINESS or CHECKING accounts in USD. */
  disbursementAccountId: Scalars['ID']['input'];
  /** Unique per request you mean (1 to 100 characters): a retry returns the first result. */
  idempotencyKey: Scalars['String']['input'];
  /** How the loan is repaid (default ANNUITY). */
  method?: InputMaybe<RepaymentMethod>;
};

/** A bank account (owned by the banking subgraph). */
export type Account = {
  __typename?: 'Account';
  /** The account's id. */
  id: Scalars['ID']['output'];
};

/** A page of bankers. */
export type BankerConnection = {
  __typename?: 'BankerConnection';
  /** The bankers of this page, available bankers first. */
  edges: Array<BankerEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One banker and its cursor. */
export type BankerEdge = {
  __typename?: 'BankerEdge';
  /** Opaque cursor: pass it as `after` to continue after this banker. */
  cursor: Scalars['String']['output'];
  /** The banker: a user whose public profile (name, institution, title, bio) comes from identity. */
  node: User;
};

/** What a business owner looks for in the banker directory. */
export type BankerFilter = {
  /** Bankers whose range includes this amount (USD). */
  amount: Scalars['Decimal']['input'];
  /** Only bankers who take new applications now (default false: available bankers come first anyway). */
  availableOnly?: InputMaybe<Scalars['Boolean']['input']>;
  /** Bankers serving this industry (case-insensitive), or serving any industry. */
  industry?: InputMaybe<Scalars['String']['input']>;
  /** Bankers offering this product. */
  product: LoanProduct;
};

/** The banker's judgement of commercial eligibility. */
export type CommercialReview = {
  __typename?: 'CommercialReview';
  /** Whether the business is eligible. */
  eligible: Scalars['Boolean']['output'];
  /** The banker's notes. */
  notes: Scalars['String']['output'];
  /** The annual interest rate the banker proposes, in percent (for example "7.25"), if any. */
  proposedRate?: Maybe<Scalars['Decimal']['output']>;
  /** When. */
  reviewedAt: Scalars['DateTime']['output'];
  /** The banker. */
  reviewer: User;
};

/** The banker's commercial review of an application in COMMERCIAL_REVIEW. */
export type CommercialReviewInput = {
  /** The application. */
  applicationId: Scalars['ID']['input'];
  /** Eligible moves it to RISK_REVIEW; not eligible rejects it. */
  eligible: Scalars['Boolean']['input'];
  /** Notes, 1 to 2,000 characters. */
  notes: Scalars['String']['input'];
  /** Proposed annual rate in percent, 0 to 100, at most 4 decimals. */
  proposedRate?: InputMaybe<Scalars['Decimal']['input']>;
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

/** One monthly installment of a repayment schedule. */
export type Installment = {
  __typename?: 'Installment';
  /** When it is due (YYYY-MM-DD). */
  dueDate: Scalars['String']['output'];
  /** The interest part. */
  interest: Money;
  /** Whether it is fully paid. */
  isPaid: Scalars['Boolean']['output'];
  /** 1 for the first installment. */
  number: Scalars['Int']['output'];
  /** Paid so far against this installment (loans only; zero in quotes). */
  paid: Money;
  /** What is due: principal plus interest. */
  payment: Money;
  /** The part that repays the principal. */
  principal: Money;
  /** Principal still owed after this installment. */
  remainingPrincipal: Money;
};

/** What a banker lends: shown in the banker directory. Loan amounts are in USD. */
export type LendingProfile = {
  __typename?: 'LendingProfile';
  /** Whether the banker takes new applications now. */
  available: Scalars['Boolean']['output'];
  /** Industries the banker serves (free text, for example "Restaurants"); empty means any. */
  industries: Array<Scalars['String']['output']>;
  /** Largest loan the banker considers. */
  maxAmount: Money;
  /** Smallest loan the banker considers. */
  minAmount: Money;
  /** Loan products the banker offers. */
  products: Array<LoanProduct>;
  /** When the profile last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A loan made from an accepted offer. Visible to its borrower, the banker of its application, risk officers and ADMINs. */
export type Loan = {
  __typename?: 'Loan';
  /** Annual interest rate, in percent. */
  annualRate: Scalars['Decimal']['output'];
  /** The application it was made from. */
  application: LoanApplication;
  /** The business owner who borrowed. */
  borrower: User;
  /** When the offer was accepted. */
  createdAt: Scalars['DateTime']['output'];
  /** The banking transaction that paid the loan out (once disbursed). The banker and risk officers see it too, and of its account only where the loan went. */
  disbursementTransaction?: Maybe<Transaction>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The whole schedule. */
  installments: Array<Installment>;
  /** How it is repaid. */
  method: RepaymentMethod;
  /** The first installment not fully paid yet (null once paid off). */
  nextInstallment?: Maybe<Installment>;
  /** Principal still owed. */
  outstandingPrincipal: Money;
  /** Number of installments fully paid. */
  paidInstallments: Scalars['Int']['output'];
  /** The amount lent. */
  principal: Money;
  /** The repayments made, oldest first. */
  repayments: Array<LoanRepayment>;
  /** Where it stands. */
  status: LoanStatus;
  /** Term in months. */
  termMonths: Scalars['Int']['output'];
};

/** A business owner's request for a loan, assigned to one banker. Visible to the applicant, the assigned banker, risk officers and ADMINs only. */
export type LoanApplication = {
  __typename?: 'LoanApplication';
  /** The amount applied for. */
  amount: Money;
  /** The business owner who applied. */
  applicant: User;
  /** The banker the application is assigned to. */
  banker: User;
  /** The banker's commercial review, once made. */
  commercialReview?: Maybe<CommercialReview>;
  /** The account the loan was (or is being) paid into: for the applicant and ADMINs once the offer is accepted, for the banker and risk officers once the payout is under way. Of it, the banker and risk officers see where the loan went (masked number, type, currency, status, owner), never the applicant's money (FORBIDDEN). */
  disbursementAccount?: Maybe<Account>;
  /** The documents sent with the application (their contents are read one at a time with `loanDocument`). */
  documents: Array<LoanDocument>;
  /** Every status change, oldest first: who, when, and why. */
  history: Array<LoanApplicationTransition>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The loan made from this application, once the offer is accepted. */
  loan?: Maybe<Loan>;
  /** The product applied for. */
  product: LoanProduct;
  /** What the loan is for, in the applicant's words. */
  purpose: Scalars['String']['output'];
  /** The risk officer's decision, once made. */
  riskDecision?: Maybe<RiskDecision>;
  /** Where the application stands. */
  status: LoanApplicationStatus;
  /** When it was submitted. */
  submittedAt: Scalars['DateTime']['output'];
  /** The term applied for, in months. */
  termMonths: Scalars['Int']['output'];
  /** When its status last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of loan applications. */
export type LoanApplicationConnection = {
  __typename?: 'LoanApplicationConnection';
  /** The applications of this page, newest first. */
  edges: Array<LoanApplicationEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One loan application and its cursor. */
export type LoanApplicationEdge = {
  __typename?: 'LoanApplicationEdge';
  /** Opaque cursor: pass it as `after` to continue after this application. */
  cursor: Scalars['String']['output'];
  /** The application. */
  node: LoanApplication;
};

/** Which applications to list. */
export type LoanApplicationFilter = {
  /** Only applications in this status. */
  status?: InputMaybe<LoanApplicationStatus>;
};

/** Where a loan application stands. */
export type LoanApplicationStatus =
  /** The owner accepted the offer; the loan is being paid out. */
  | 'ACCEPTED'
  /** Approved by a risk officer: an offer the owner may accept. */
  | 'APPROVED'
  /** The banker is reviewing commercial eligibility. */
  | 'COMMERCIAL_REVIEW'
  /** The loan was paid into the owner's account. Final. */
  | 'DISBURSED'
  /** Refused by the banker (not eligible) or by a risk officer. Final. */
  | 'REJECTED'
  /** Eligible; waiting for a risk officer's decision. */
  | 'RISK_REVIEW'
  /** Sent by the business owner; waiting for the banker. */
  | 'SUBMITTED'
  /** Withdrawn by the business owner before a final decision. Final. */
  | 'WITHDRAWN';

/** One status change of a loan application. */
export type LoanApplicationTransition = {
  __typename?: 'LoanApplicationTransition';
  /** Who made the change (null when the bank's systems did, for example after a failed payout). */
  actor?: Maybe<User>;
  /** When. */
  at: Scalars['DateTime']['output'];
  /** The status before (null for the submission). */
  from?: Maybe<LoanApplicationStatus>;
  /** Why, in the actor's words (or the system's). */
  note?: Maybe<Scalars['String']['output']>;
  /** The status after. */
  to: LoanApplicationStatus;
};

/** A scanned document sent with a loan application. Stored encrypted. */
export type LoanDocument = {
  __typename?: 'LoanDocument';
  /** application/pdf, image/png or image/jpeg. */
  contentType: Scalars['String']['output'];
  /** File name as uploaded. */
  fileName: Scalars['String']['output'];
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** Size in bytes. */
  size: Scalars['Int']['output'];
  /** When it was uploaded. */
  uploadedAt: Scalars['DateTime']['output'];
};

/** A document's contents, decrypted for someone allowed to read it. */
export type LoanDocumentContent = {
  __typename?: 'LoanDocumentContent';
  /** The file's bytes, base64-encoded. */
  contentBase64: Scalars['String']['output'];
  /** The document. */
  document: LoanDocument;
};

/** A document sent with an application. */
export type LoanDocumentInput = {
  /** The file, base64-encoded: at most 2 MiB once decoded. */
  contentBase64: Scalars['String']['input'];
  /** application/pdf, image/png or image/jpeg (checked against the file's own signature). */
  contentType: Scalars['String']['input'];
  /** File name, 1 to 200 characters. */
  fileName: Scalars['String']['input'];
};

/** Kinds of business loans bankers offer. */
export type LoanProduct =
  /** Financing for commercial property. */
  | 'COMMERCIAL_REAL_ESTATE'
  /** Financing for machinery, vehicles or other equipment. */
  | 'EQUIPMENT_FINANCING'
  /** Advances against unpaid invoices. */
  | 'INVOICE_FINANCING'
  /** A revolving credit line drawn as needed. */
  | 'LINE_OF_CREDIT'
  /** A loan partly guaranteed by the U.S. Small Business Administration. */
  | 'SBA_LOAN'
  /** A lump sum repaid over a fixed term. */
  | 'TERM_LOAN';

/** The result of the loan calculator. */
export type LoanQuote = {
  __typename?: 'LoanQuote';
  /** The amount borrowed. */
  amount: Money;
  /** The annual rate, in percent. */
  annualRate: Scalars['Decimal']['output'];
  /** The monthly installments (the first due one month from today). */
  installments: Array<Installment>;
  /** The repayment method. */
  method: RepaymentMethod;
  /** The term in months. */
  termMonths: Scalars['Int']['output'];
  /** Sum of all interest. */
  totalInterest: Money;
  /** Sum of all payments. */
  totalPayment: Money;
};

/** A payment towards a loan: interest first, then principal, installment by installment. */
export type LoanRepayment = {
  __typename?: 'LoanRepayment';
  /** Amount paid. */
  amount: Money;
  /** When it was made. */
  createdAt: Scalars['DateTime']['output'];
  /** Why it failed, if it did. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** Part applied to interest. */
  interest: Money;
  /** Part applied to principal. */
  principal: Money;
  /** Where it stands. */
  status: RepaymentStatus;
  /** The banking transaction that moved the money (once completed): for the borrower and ADMINs only; the banker and risk officers see the repayment here, not the borrower's banking. */
  transaction?: Maybe<Transaction>;
};

/** Where a loan stands. */
export type LoanStatus =
  /** Paid out; being repaid. */
  | 'ACTIVE'
  /** Being paid into the owner's account. */
  | 'DISBURSING'
  /** Fully repaid. */
  | 'PAID_OFF';

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
  /** The applicant only: accepts an approved offer; the loan is paid into the chosen account. If banking refuses the payout, nothing moves and the application is APPROVED again. */
  acceptLoanOffer: Loan;
  /** The assigned banker only: records the commercial review of an application in COMMERCIAL_REVIEW. */
  recordCommercialReview: LoanApplication;
  /** RISK_OFFICER only: the final decision on an application in RISK_REVIEW. */
  recordRiskDecision: LoanApplication;
  /** The borrower only: repays (part of) a loan from one of their accounts. */
  repayLoan: LoanRepayment;
  /** The assigned banker only: takes a SUBMITTED application into COMMERCIAL_REVIEW. */
  startCommercialReview: LoanApplication;
  /** BUSINESS_OWNER only: applies for a loan to a banker. */
  submitLoanApplication: LoanApplication;
  /** BANKER only: replaces your lending profile. */
  updateLendingProfile: LendingProfile;
  /** The applicant only: withdraws an application before a final decision. */
  withdrawLoanApplication: LoanApplication;
};


export type MutationAcceptLoanOfferArgs = {
  input: AcceptLoanOfferInput;
};


export type MutationRecordCommercialReviewArgs = {
  input: CommercialReviewInput;
};


export type MutationRecordRiskDecisionArgs = {
  input: RiskDecisionInput;
};


export type MutationRepayLoanArgs = {
  input: RepayLoanInput;
};


export type MutationStartCommercialReviewArgs = {
  applicationId: Scalars['ID']['input'];
};


export type MutationSubmitLoanApplicationArgs = {
  input: SubmitLoanApplicationInput;
};


export type MutationUpdateLendingProfileArgs = {
  input: UpdateLendingProfileInput;
};


export type MutationWithdrawLoanApplicationArgs = {
  applicationId: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
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
  /** The banker directory: bankers offering `product` whose range includes `amount`, available bankers first. Any signed-in user. */
  bankers: BankerConnection;
  /** Services only (identity, before an erasure): what in lending stops the user's erasure (an open loan, a payout in progress), as JSON text: a list of { reason, message }, empty when nothing does. */
  lendingErasureBlockers: Scalars['String']['output'];
  /** Services only (identity, for the customer's data rights): everything lending holds about a user (loan applications with their history and documents, decrypted; loans, installments and repayments; a banker's lending profile), as the JSON text of one section of a data export. */
  lendingPersonalData: Scalars['String']['output'];
  /** One loan; NOT_FOUND unless it is yours, you are its banker, a risk officer or an ADMIN. */
  loan?: Maybe<Loan>;
  /** One loan application; NOT_FOUND unless you applied, are its banker, a risk officer or an ADMIN. */
  loanApplication?: Maybe<LoanApplication>;
  /** Work queues, newest first: a banker's assigned applications, a risk officer's applications in RISK_REVIEW (or in `status`), every application for ADMINs. */
  loanApplications: LoanApplicationConnection;
  /** A document's contents; NOT_FOUND unless you may read its application. */
  loanDocument?: Maybe<LoanDocumentContent>;
  /** The loan calculator (no sign-in needed): the repayment schedule of a loan. */
  loanQuote: LoanQuote;
};


export type QueryBankersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter: BankerFilter;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLendingErasureBlockersArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryLendingPersonalDataArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryLoanArgs = {
  id: Scalars['ID']['input'];
};


export type QueryLoanApplicationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryLoanApplicationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<LoanApplicationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLoanDocumentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryLoanQuoteArgs = {
  amount: Scalars['Decimal']['input'];
  annualRate: Scalars['Decimal']['input'];
  method?: InputMaybe<RepaymentMethod>;
  termMonths: Scalars['Int']['input'];
};

/** A repayment of one of your loans. */
export type RepayLoanInput = {
  /** Positive, at most what is still owed. */
  amount: Scalars['Decimal']['input'];
  /** One of your accounts in USD. */
  fromAccountId: Scalars['ID']['input'];
  /** Unique per request you mean (1 to 100 characters): a retry returns the first result. */
  idempotencyKey: Scalars['String']['input'];
  /** The loan. */
  loanId: Scalars['ID']['input'];
};

/** How a loan is repaid. */
export type RepaymentMethod =
  /** Equal monthly installments (interest falls and principal rises over time). */
  | 'ANNUITY'
  /** The same principal every month, plus interest on what is still owed. */
  | 'EQUAL_PRINCIPAL';

/** Where a repayment stands. */
export type RepaymentStatus =
  /** Money moved and applied to the loan. */
  | 'COMPLETED'
  /** Nothing moved (see `failureReason`). */
  | 'FAILED'
  /** Money is being moved. */
  | 'PENDING';

/** The risk officer's final decision. */
export type RiskDecision = {
  __typename?: 'RiskDecision';
  /** Approved annual interest rate in percent (null when refused). */
  annualRate?: Maybe<Scalars['Decimal']['output']>;
  /** Whether the loan is approved. */
  approved: Scalars['Boolean']['output'];
  /** When. */
  decidedAt: Scalars['DateTime']['output'];
  /** The risk officer. */
  decidedBy: User;
  /** The reason given. */
  reason: Scalars['String']['output'];
  /** Approved term in months (null when refused). */
  termMonths?: Maybe<Scalars['Int']['output']>;
};

/** The risk officer's decision on an application in RISK_REVIEW. */
export type RiskDecisionInput = {
  /** Annual rate in percent, 0 to 100, at most 4 decimals: required when approving. */
  annualRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** The application. */
  applicationId: Scalars['ID']['input'];
  /** Approve or refuse. */
  approved: Scalars['Boolean']['input'];
  /** The reason, 1 to 2,000 characters. */
  reason: Scalars['String']['input'];
  /** Term in months, 1 to 360: required when approving. */
  termMonths?: InputMaybe<Scalars['Int']['input']>;
};

/** A loan application. */
export type SubmitLoanApplicationInput = {
  /** The amount, in USD (positive, at most 2 decimals). */
  amount: Scalars['Decimal']['input'];
  /** The banker to apply to: they must offer `product` and accept `amount`. */
  bankerId: Scalars['ID']['input'];
  /** Scanned documents, at most 5. */
  documents?: InputMaybe<Array<LoanDocumentInput>>;
  /** The product. */
  product: LoanProduct;
  /** What the loan is for, 1 to 2,000 characters. */
  purpose: Scalars['String']['input'];
  /** The term, 1 to 360 months. */
  termMonths: Scalars['Int']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Each status change of loan applications you may see, live: one application, or (without an id) all of them (applicant: yours; banker: assigned to you; risk officers: all). */
  loanApplicationUpdated: LoanApplication;
};


export type SubscriptionLoanApplicationUpdatedArgs = {
  applicationId?: InputMaybe<Scalars['ID']['input']>;
};

/** A ledger transaction (owned by the banking subgraph). */
export type Transaction = {
  __typename?: 'Transaction';
  /** The transaction's id. */
  id: Scalars['ID']['output'];
};

/** A banker's lending profile, replaced as a whole. */
export type UpdateLendingProfileInput = {
  /** Whether the banker takes new applications now. */
  available: Scalars['Boolean']['input'];
  /** Industries served, at most 20, each 1 to 100 characters; empty means any. */
  industries: Array<Scalars['String']['input']>;
  /** Largest loan considered, in USD: at least `minAmount`. */
  maxAmount: Scalars['Decimal']['input'];
  /** Smallest loan considered, in USD (positive, at most 2 decimals). */
  minAmount: Scalars['Decimal']['input'];
  /** Products offered: at least one, no duplicates. */
  products: Array<LoanProduct>;
};

/** A person who uses the bank (owned by the identity subgraph); lending adds bankers' lending profiles, loan applications and loans. */
export type User = {
  __typename?: 'User';
  /** The user's id. */
  id: Scalars['ID']['output'];
  /** A banker's lending profile: what they lend, how much, to which industries. Null for users who are not bankers or have none yet. */
  lendingProfile?: Maybe<LendingProfile>;
  /** A business owner's loan applications, newest first. Only the owner themself (and staff) may read them. */
  loanApplications: LoanApplicationConnection;
  /** A business owner's loans, newest first. Only the owner themself and staff (RISK_OFFICER, ADMIN) may read them. */
  loans: Array<Loan>;
};


/** A person who uses the bank (owned by the identity subgraph); lending adds bankers' lending profiles, loan applications and loans. */
export type UserLoanApplicationsArgs = {
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
  Loan: Loan;
  LoanApplication: LoanApplication;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Loan:
    ( { __typename: 'Loan' }
    & GraphQLRecursivePick<FederationTypes['Loan'], {"id":true}> );
  LoanApplication:
    ( { __typename: 'LoanApplication' }
    & GraphQLRecursivePick<FederationTypes['LoanApplication'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AcceptLoanOfferInput: AcceptLoanOfferInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Account: ResolverTypeWrapper<RefModel>;
  BankerConnection: ResolverTypeWrapper<Omit<BankerConnection, 'edges'> & { edges: Array<ResolversTypes['BankerEdge']> }>;
  BankerEdge: ResolverTypeWrapper<Omit<BankerEdge, 'node'> & { node: ResolversTypes['User'] }>;
  BankerFilter: BankerFilter;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CommercialReview: ResolverTypeWrapper<Omit<CommercialReview, 'reviewer'> & { reviewer: ResolversTypes['User'] }>;
  CommercialReviewInput: CommercialReviewInput;
  Currency: Currency;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  Installment: ResolverTypeWrapper<InstallmentViewModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  LendingProfile: ResolverTypeWrapper<LendingProfileModel>;
  Loan: ResolverTypeWrapper<LoanModel>;
  LoanApplication: ResolverTypeWrapper<LoanApplicationModel>;
  LoanApplicationConnection: ResolverTypeWrapper<Omit<LoanApplicationConnection, 'edges'> & { edges: Array<ResolversTypes['LoanApplicationEdge']> }>;
  LoanApplicationEdge: ResolverTypeWrapper<Omit<LoanApplicationEdge, 'node'> & { node: ResolversTypes['LoanApplication'] }>;
  LoanApplicationFilter: LoanApplicationFilter;
  LoanApplicationStatus: LoanApplicationStatus;
  LoanApplicationTransition: ResolverTypeWrapper<ApplicationTransitionModel>;
  LoanDocument: ResolverTypeWrapper<LoanDocumentModel>;
  LoanDocumentContent: ResolverTypeWrapper<DocumentContentModel>;
  LoanDocumentInput: LoanDocumentInput;
  LoanProduct: LoanProduct;
  LoanQuote: ResolverTypeWrapper<QuoteModel>;
  LoanRepayment: ResolverTypeWrapper<LoanRepaymentModel>;
  LoanStatus: LoanStatus;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RepayLoanInput: RepayLoanInput;
  RepaymentMethod: RepaymentMethod;
  RepaymentStatus: RepaymentStatus;
  RiskDecision: ResolverTypeWrapper<Omit<RiskDecision, 'decidedBy'> & { decidedBy: ResolversTypes['User'] }>;
  RiskDecisionInput: RiskDecisionInput;
  SubmitLoanApplicationInput: SubmitLoanApplicationInput;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Transaction: ResolverTypeWrapper<RefModel>;
  UpdateLendingProfileInput: UpdateLendingProfileInput;
  User: ResolverTypeWrapper<RefModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AcceptLoanOfferInput: AcceptLoanOfferInput;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  Account: RefModel;
  BankerConnection: Omit<BankerConnection, 'edges'> & { edges: Array<ResolversParentTypes['BankerEdge']> };
  BankerEdge: Omit<BankerEdge, 'node'> & { node: ResolversParentTypes['User'] };
  BankerFilter: BankerFilter;
  Boolean: Scalars['Boolean']['output'];
  CommercialReview: Omit<CommercialReview, 'reviewer'> & { reviewer: ResolversParentTypes['User'] };
  CommercialReviewInput: CommercialReviewInput;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  Installment: InstallmentViewModel;
  Int: Scalars['Int']['output'];
  LendingProfile: LendingProfileModel;
  Loan: LoanModel;
  LoanApplication: LoanApplicationModel;
  LoanApplicationConnection: Omit<LoanApplicationConnection, 'edges'> & { edges: Array<ResolversParentTypes['LoanApplicationEdge']> };
  LoanApplicationEdge: Omit<LoanApplicationEdge, 'node'> & { node: ResolversParentTypes['LoanApplication'] };
  LoanApplicationFilter: LoanApplicationFilter;
  LoanApplicationTransition: ApplicationTransitionModel;
  LoanDocument: LoanDocumentModel;
  LoanDocumentContent: DocumentContentModel;
  LoanDocumentInput: LoanDocumentInput;
  LoanQuote: QuoteModel;
  LoanRepayment: LoanRepaymentModel;
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  RepayLoanInput: RepayLoanInput;
  RiskDecision: Omit<RiskDecision, 'decidedBy'> & { decidedBy: ResolversParentTypes['User'] };
  RiskDecisionInput: RiskDecisionInput;
  SubmitLoanApplicationInput: SubmitLoanApplicationInput;
  Subscription: Record<PropertyKey, never>;
  Transaction: RefModel;
  UpdateLendingProfileInput: UpdateLendingProfileInput;
  User: RefModel;
}>;

export type AccountResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type BankerConnectionResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['BankerConnection'] = ResolversParentTypes['BankerConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['BankerEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type BankerEdgeResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['BankerEdge'] = ResolversParentTypes['BankerEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type CommercialReviewResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['CommercialReview'] = ResolversParentTypes['CommercialReview']> = ResolversObject<{
  eligible?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  notes?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  proposedRate?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  reviewedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  reviewer?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type InstallmentResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Installment'] = ResolversParentTypes['Installment']> = ResolversObject<{
  dueDate?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  interest?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  isPaid?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  paid?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  payment?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  principal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  remainingPrincipal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type LendingProfileResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LendingProfile'] = ResolversParentTypes['LendingProfile']> = ResolversObject<{
  available?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  industries?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  maxAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  minAmount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  products?: Resolver<Array<ResolversTypes['LoanProduct']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type LoanResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Loan'] = ResolversParentTypes['Loan'], FederationReferenceType extends FederationReferenceTypes['Loan'] = FederationReferenceTypes['Loan']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Loan']> | FederationReferenceType, FederationReferenceType, ContextType>;
  annualRate?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  application?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType>;
  borrower?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  disbursementTransaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  installments?: Resolver<Array<ResolversTypes['Installment']>, ParentType, ContextType>;
  method?: Resolver<ResolversTypes['RepaymentMethod'], ParentType, ContextType>;
  nextInstallment?: Resolver<Maybe<ResolversTypes['Installment']>, ParentType, ContextType>;
  outstandingPrincipal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  paidInstallments?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  principal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  repayments?: Resolver<Array<ResolversTypes['LoanRepayment']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['LoanStatus'], ParentType, ContextType>;
  termMonths?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type LoanApplicationResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanApplication'] = ResolversParentTypes['LoanApplication'], FederationReferenceType extends FederationReferenceTypes['LoanApplication'] = FederationReferenceTypes['LoanApplication']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['LoanApplication']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  applicant?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  banker?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  commercialReview?: Resolver<Maybe<ResolversTypes['CommercialReview']>, ParentType, ContextType>;
  disbursementAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  documents?: Resolver<Array<ResolversTypes['LoanDocument']>, ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['LoanApplicationTransition']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  loan?: Resolver<Maybe<ResolversTypes['Loan']>, ParentType, ContextType>;
  product?: Resolver<ResolversTypes['LoanProduct'], ParentType, ContextType>;
  purpose?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  riskDecision?: Resolver<Maybe<ResolversTypes['RiskDecision']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['LoanApplicationStatus'], ParentType, ContextType>;
  submittedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  termMonths?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type LoanApplicationConnectionResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanApplicationConnection'] = ResolversParentTypes['LoanApplicationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['LoanApplicationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type LoanApplicationEdgeResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanApplicationEdge'] = ResolversParentTypes['LoanApplicationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType>;
}>;

export type LoanApplicationTransitionResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanApplicationTransition'] = ResolversParentTypes['LoanApplicationTransition']> = ResolversObject<{
  actor?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  from?: Resolver<Maybe<ResolversTypes['LoanApplicationStatus']>, ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['LoanApplicationStatus'], ParentType, ContextType>;
}>;

export type LoanDocumentResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanDocument'] = ResolversParentTypes['LoanDocument']> = ResolversObject<{
  contentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  uploadedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type LoanDocumentContentResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanDocumentContent'] = ResolversParentTypes['LoanDocumentContent']> = ResolversObject<{
  contentBase64?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  document?: Resolver<ResolversTypes['LoanDocument'], ParentType, ContextType>;
}>;

export type LoanQuoteResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanQuote'] = ResolversParentTypes['LoanQuote']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  annualRate?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  installments?: Resolver<Array<ResolversTypes['Installment']>, ParentType, ContextType>;
  method?: Resolver<ResolversTypes['RepaymentMethod'], ParentType, ContextType>;
  termMonths?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  totalInterest?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  totalPayment?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type LoanRepaymentResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['LoanRepayment'] = ResolversParentTypes['LoanRepayment']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  interest?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  principal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RepaymentStatus'], ParentType, ContextType>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
}>;

export type MoneyResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['Currency'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  acceptLoanOffer?: Resolver<ResolversTypes['Loan'], ParentType, ContextType, RequireFields<MutationAcceptLoanOfferArgs, 'input'>>;
  recordCommercialReview?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType, RequireFields<MutationRecordCommercialReviewArgs, 'input'>>;
  recordRiskDecision?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType, RequireFields<MutationRecordRiskDecisionArgs, 'input'>>;
  repayLoan?: Resolver<ResolversTypes['LoanRepayment'], ParentType, ContextType, RequireFields<MutationRepayLoanArgs, 'input'>>;
  startCommercialReview?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType, RequireFields<MutationStartCommercialReviewArgs, 'applicationId'>>;
  submitLoanApplication?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType, RequireFields<MutationSubmitLoanApplicationArgs, 'input'>>;
  updateLendingProfile?: Resolver<ResolversTypes['LendingProfile'], ParentType, ContextType, RequireFields<MutationUpdateLendingProfileArgs, 'input'>>;
  withdrawLoanApplication?: Resolver<ResolversTypes['LoanApplication'], ParentType, ContextType, RequireFields<MutationWithdrawLoanApplicationArgs, 'applicationId'>>;
}>;

export type PageInfoResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  bankers?: Resolver<ResolversTypes['BankerConnection'], ParentType, ContextType, RequireFields<QueryBankersArgs, 'filter' | 'first'>>;
  lendingErasureBlockers?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryLendingErasureBlockersArgs, 'userId'>>;
  lendingPersonalData?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryLendingPersonalDataArgs, 'userId'>>;
  loan?: Resolver<Maybe<ResolversTypes['Loan']>, ParentType, ContextType, RequireFields<QueryLoanArgs, 'id'>>;
  loanApplication?: Resolver<Maybe<ResolversTypes['LoanApplication']>, ParentType, ContextType, RequireFields<QueryLoanApplicationArgs, 'id'>>;
  loanApplications?: Resolver<ResolversTypes['LoanApplicationConnection'], ParentType, ContextType, RequireFields<QueryLoanApplicationsArgs, 'first'>>;
  loanDocument?: Resolver<Maybe<ResolversTypes['LoanDocumentContent']>, ParentType, ContextType, RequireFields<QueryLoanDocumentArgs, 'id'>>;
  loanQuote?: Resolver<ResolversTypes['LoanQuote'], ParentType, ContextType, RequireFields<QueryLoanQuoteArgs, 'amount' | 'annualRate' | 'method' | 'termMonths'>>;
}>;

export type RiskDecisionResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['RiskDecision'] = ResolversParentTypes['RiskDecision']> = ResolversObject<{
  annualRate?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  approved?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  decidedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  decidedBy?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  termMonths?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  loanApplicationUpdated?: SubscriptionResolver<ResolversTypes['LoanApplication'], "loanApplicationUpdated", ParentType, ContextType, Partial<SubscriptionLoanApplicationUpdatedArgs>>;
}>;

export type TransactionResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = LendingContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lendingProfile?: Resolver<Maybe<ResolversTypes['LendingProfile']>, ParentType, ContextType>;
  loanApplications?: Resolver<ResolversTypes['LoanApplicationConnection'], ParentType, ContextType, RequireFields<UserLoanApplicationsArgs, 'first'>>;
  loans?: Resolver<Array<ResolversTypes['Loan']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = LendingContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  BankerConnection?: BankerConnectionResolvers<ContextType>;
  BankerEdge?: BankerEdgeResolvers<ContextType>;
  CommercialReview?: CommercialReviewResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Installment?: InstallmentResolvers<ContextType>;
  LendingProfile?: LendingProfileResolvers<ContextType>;
  Loan?: LoanResolvers<ContextType>;
  LoanApplication?: LoanApplicationResolvers<ContextType>;
  LoanApplicationConnection?: LoanApplicationConnectionResolvers<ContextType>;
  LoanApplicationEdge?: LoanApplicationEdgeResolvers<ContextType>;
  LoanApplicationTransition?: LoanApplicationTransitionResolvers<ContextType>;
  LoanDocument?: LoanDocumentResolvers<ContextType>;
  LoanDocumentContent?: LoanDocumentContentResolvers<ContextType>;
  LoanQuote?: LoanQuoteResolvers<ContextType>;
  LoanRepayment?: LoanRepaymentResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RiskDecision?: RiskDecisionResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

