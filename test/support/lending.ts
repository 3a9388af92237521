/**
 * Lending through the router, for end-to-end tests: a banker with a lending
 * profile, a business owner with a USD account, applications taken through
 * the review steps, and a tiny valid file of each accepted document type.
 */
import type { BankingClient } from '../../platform/banking-client.ts';
import { createBankingClient } from '../../platform/banking-client.ts';
import type { Caller, Role } from '../../platform/caller.ts';
import { createLogger } from '../../platform/logger.ts';
import { LoanApplications } from '../../subgraphs/lending/src/services/applications.ts';
import { documentVault } from '../../subgraphs/lending/src/services/index.ts';
import { Loans } from '../../subgraphs/lending/src/services/loans.ts';
import { LendingProfiles } from '../../subgraphs/lending/src/services/profiles.ts';
import { recoverSagas, repaymentKey, type SagaDeps } from '../../subgraphs/lending/src/services/sagas.ts';
import { holdPaymentViolations, ledgerViolations, sqlOver, type HoldPaymentRow, type Sql } from './faults.ts';
import { must, signUp, type SignedUp } from './people.ts';
import type { JsonResponse, TestStack } from './stack.ts';

// The fault injection of saga tests, shared with billing's: re-exported so lending tests import it from here.
export {
  crash,
  faultyBanking,
  twoRunsQueuedOnLock,
  unreachable,
  type FaultyBanking,
  type HoldStep,
  type Injection,
} from './faults.ts';

/** A minimal PDF (starts with the PDF signature). */
export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
/** The 8-byte PNG signature followed by a few bytes. */
export const PNG_BYTES = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

export const pdfDocument = (fileName = 'balance-sheet.pdf') => ({
  fileName,
  contentType: 'application/pdf',
  contentBase64: PDF_BYTES.toString('base64'),
});

export const DEFAULT_PROFILE = {
  products: ['TERM_LOAN', 'EQUIPMENT_FINANCING'],
  minAmount: '10000.00',
  maxAmount: '500000.00',
  industries: ['Bakeries', 'Restaurants'],
  available: true,
};

/** A banker who signed up and set a lending profile. */
export async function bankerWithProfile(
  url: string,
  name: string,
  profile: Record<string, unknown> = DEFAULT_PROFILE,
): Promise<SignedUp> {
  const banker = await signUp(url, name, 'BANKER', { institution: 'Bank Supergraph', title: 'Commercial Lender' });
  await must(
    url,
    `mutation($input: UpdateLendingProfileInput!) { updateLendingProfile(input: $input) { available } }`,
    { input: profile },
    banker.token,
  );
  return banker;
}

/** A business owner who signed up. */
export const businessOwner = (url: string, name: string): Promise<SignedUp> =>
  signUp(url, name, 'BUSINESS_OWNER', { businessName: `${name} Bakery`, industry: 'Bakeries' });

/** Opens an account for `user` and returns its id. */
export async function openAccount(url: string, user: SignedUp, type = 'BUSINESS', currency = 'USD'): Promise<string> {
  const { openAccount } = await must<{ openAccount: { id: string } }>(
    url,
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) { id } }`,
    { input: { type, currency } },
    user.token,
  );
  return openAccount.id;
}

/** Deposits into an account of `user`. */
export async function deposit(url: string, user: SignedUp, accountId: string, amount: string): Promise<void> {
  await must(
    url,
    `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
    { input: { accountId, amount, idempotencyKey: `deposit-${accountId}-${amount}-${Math.random()}` } },
    user.token,
  );
}

/** An account's balance as its owner sees it. */
export async function balanceOf(url: string, user: SignedUp, accountId: string): Promise<string> {
  const { account } = await must<{ account: { balance: { amount: string } } }>(
    url,
    `query($id: ID!) { account(id: $id) { balance { amount } } }`,
    { id: accountId },
    user.token,
  );
  return account.balance.amount;
}

export const SUBMIT = `mutation($input: SubmitLoanApplicationInput!) {
  submitLoanApplication(input: $input) { id status }
}`;

/** Submits an application and returns its id. */
export async function submitApplication(
  url: string,
  owner: SignedUp,
  banker: SignedUp,
  input: Record<string, unknown> = {},
): Promise<string> {
  const { submitLoanApplication } = await must<{ submitLoanApplication: { id: string } }>(
    url,
    SUBMIT,
    {
      input: {
        bankerId: banker.id,
        product: 'TERM_LOAN',
        amount: '50000.00',
        termMonths: 24,
        purpose: 'A second oven',
        documents: [pdfDocument()],
        ...input,
      },
    },
    owner.token,
  );
  return submitLoanApplication.id;
}

export const START_REVIEW = `mutation($id: ID!) { startCommercialReview(applicationId: $id) { id status } }`;
export const COMMERCIAL_REVIEW = `mutation($input: CommercialReviewInput!) { recordCommercialReview(input: $input) { id status } }`;
export const RISK_DECISION = `mutation($input: RiskDecisionInput!) { recordRiskDecision(input: $input) { id status } }`;
export const ACCEPT = `mutation($input: AcceptLoanOfferInput!) {
  acceptLoanOffer(input: $input) { id status principal { amount } nextInstallment { number payment { amount } principal { amount } interest { amount } } }
}`;
export const REPAY = `mutation($input: RepayLoanInput!) {
  repayLoan(input: $input) { id status amount { amount } interest { amount } principal { amount } failureReason }
}`;

/** Takes an application through commercial review (eligible) and an approval. */
export async function approve(
  url: string,
  applicationId: string,
  banker: SignedUp,
  officer: SignedUp,
  terms: { annualRate?: string; termMonths?: number } = {},
): Promise<void> {
  await must(url, START_REVIEW, { id: applicationId }, banker.token);
  await must(
    url,
    COMMERCIAL_REVIEW,
    { input: { applicationId, eligible: true, notes: 'Solid cash flow.', proposedRate: '7.5' } },
    banker.token,
  );
  await must(
    url,
    RISK_DECISION,
    {
      input: {
        applicationId,
        approved: true,
        annualRate: terms.annualRate ?? '7.5',
        termMonths: terms.termMonths ?? 24,
        reason: 'Within appetite.',
      },
    },
    officer.token,
  );
}

/** Runs SQL on lending's database (for checks tests cannot make through the API). */
export async function lendingSql<T extends object = Record<string, unknown>>(
  bank: TestStack,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return bank.stack.subgraphs.lending!.orm.em.getConnection().execute<T[]>(sql, params);
}

/** The tables a loan application writes to. */
export const APPLICATION_TABLES = [
  'loan_applications',
  'loan_documents',
  'loan_application_transitions',
  'outbox_events',
] as const;

/** Row counts of {@link APPLICATION_TABLES}: equal before and after a refused request. */
export async function lendingCounts(bank: TestStack): Promise<Record<(typeof APPLICATION_TABLES)[number], number>> {
  const [row] = await lendingSql<Record<string, string>>(
    bank,
    `select ${APPLICATION_TABLES.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`,
  );
  return Object.fromEntries(APPLICATION_TABLES.map((t) => [t, Number(row![t])])) as Record<
    (typeof APPLICATION_TABLES)[number],
    number
  >;
}

/** The first error of a response as `{ code, field }` (undefined parts when absent), for compact assertions. */
export function problemOf(result: JsonResponse): { code: unknown; field: unknown } {
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

// ---------------------------------------------------------------------------
// Saga tests (lending-sagas, lending-repayments): the lending services wired
// to a banking client that fails where a test says, a "restart" (the
// recovery job run at once), and the money invariant checked in both
// databases.
// ---------------------------------------------------------------------------

/** A user of the stack who owns an APPROVED application and a USD BUSINESS account. */
export interface ApprovedApplication {
  owner: SignedUp;
  account: string;
  applicationId: string;
}

/** A business owner (`name`), an account of theirs, and an application taken to APPROVED. */
export async function approvedApplication(
  url: string,
  name: string,
  banker: SignedUp,
  officer: SignedUp,
  input: { amount?: string; termMonths?: number; annualRate?: string } = {},
): Promise<ApprovedApplication> {
  const owner = await businessOwner(url, name);
  const account = await openAccount(url, owner);
  const applicationId = await submitApplication(url, owner, banker, {
    ...(input.amount ? { amount: input.amount } : {}),
    ...(input.termMonths ? { termMonths: input.termMonths } : {}),
  });
  await approve(url, applicationId, banker, officer, {
    ...(input.annualRate ? { annualRate: input.annualRate } : {}),
    ...(input.termMonths ? { termMonths: input.termMonths } : {}),
  });
  return { owner, account, applicationId };
}

/** The lending services of one user, outside the router, over a banking client of the test's choosing. */
export interface SagaHarness {
  /** A banking client of the lending service, over HTTP, that never fails on purpose. */
  banking: BankingClient;
  deps(banking?: BankingClient): SagaDeps;
  /** `Loans` as the lending subgraph builds it for `user` (a request), with `banking`. */
  loans(user: SignedUp, banking: BankingClient, roles?: Role[]): Loans;
  /** A restart: the recovery job, run now over every unfinished saga. */
  recover(): Promise<number>;
}

export function sagaHarness(bank: TestStack): SagaHarness {
  const lending = bank.stack.subgraphs.lending;
  const bankingSubgraph = bank.stack.subgraphs.banking;
  const privateKey = bank.config.keys.serviceSigningPrivateKey;
  if (!lending || !bankingSubgraph || !privateKey) throw new Error('lending and banking must run, with a service key');
  const logger = createLogger(bank.config, 'lending-saga-test');
  const real = createBankingClient({ url: bankingSubgraph.url, service: 'lending', privateKey });
  const vault = documentVault(bank.config);
  const deps = (banking: BankingClient = real): SagaDeps => ({
    em: lending.orm.em,
    banking,
    bus: bank.stack.bus,
    logger,
  });
  return {
    banking: real,
    deps,
    loans(user, banking, roles = ['BUSINESS_OWNER']) {
      const em = lending.orm.em.fork();
      const caller: Caller = { kind: 'user', userId: user.id, roles };
      const profiles = new LendingProfiles(em, caller);
      const applications = new LoanApplications(em, caller, { bus: bank.stack.bus, logger, vault, profiles });
      return new Loans(em, caller, { applications, saga: deps(banking) });
    },
    recover: () => recoverSagas(deps(real), 0),
  };
}

const sqlOf = (bank: TestStack, subgraph: 'lending' | 'banking'): Sql => {
  const running = bank.stack.subgraphs[subgraph];
  if (!running) throw new Error(`${subgraph} is not running`);
  return sqlOver(running.orm);
};

/** Where one application's payout stands, in lending and in banking. */
export interface PayoutState {
  /** Loans of the application (0 or 1). */
  loans: number;
  loan: { id: string; status: string; holdId: string | null; transactionId: string | null } | null;
  application: string;
  /** The note of the application's last transition. */
  lastNote: string | null;
  /** LOAN_DISBURSEMENT transactions into the account, by status. */
  disbursements: { PENDING: number; POSTED: number; VOIDED: number };
  /** The id of the posted disbursement, if any. */
  postedId: string | null;
  /** The account's balance and held amount, minor units. */
  balance: bigint;
  held: bigint;
}

export async function payoutState(bank: TestStack, applicationId: string, accountId: string): Promise<PayoutState> {
  const lending = sqlOf(bank, 'lending');
  const banking = sqlOf(bank, 'banking');
  const loans = await lending.execute<
    { id: string; status: string; disbursement_hold_id: string | null; disbursement_transaction_id: string | null }[]
  >('select id, status, disbursement_hold_id, disbursement_transaction_id from loans where application_id = ?', [
    applicationId,
  ]);
  const [application] = await lending.execute<{ status: string }[]>(
    'select status from loan_applications where id = ?',
    [applicationId],
  );
  const [last] = await lending.execute<{ note: string | null }[]>(
    'select note from loan_application_transitions where application_id = ? order by seq desc limit 1',
    [applicationId],
  );
  const txs = await banking.execute<{ id: string; status: 'PENDING' | 'POSTED' | 'VOIDED' }[]>(
    `select id, status from transactions where kind = 'LOAN_DISBURSEMENT' and to_account_id = ?`,
    [accountId],
  );
  const [account] = await banking.execute<{ balance: string; held: string }[]>(
    'select balance::text as balance, held::text as held from accounts where id = ?',
    [accountId],
  );
  const disbursements = { PENDING: 0, POSTED: 0, VOIDED: 0 };
  for (const tx of txs) disbursements[tx.status] += 1;
  const [loan] = loans;
  return {
    loans: loans.length,
    loan: loan
      ? {
          id: loan.id,
          status: loan.status,
          holdId: loan.disbursement_hold_id,
          transactionId: loan.disbursement_transaction_id,
        }
      : null,
    application: application?.status ?? 'MISSING',
    lastNote: last?.note ?? null,
    disbursements,
    postedId: txs.find((t) => t.status === 'POSTED')?.id ?? null,
    balance: BigInt(account?.balance ?? '-1'),
    held: BigInt(account?.held ?? '-1'),
  };
}

/** Where one loan's repayments stand, in lending and in banking. */
export interface RepaymentState {
  loanStatus: string;
  /** Repayments of the loan by status. */
  repayments: { PENDING: number; COMPLETED: number; FAILED: number };
  /** Paid against the installments (interest + principal), minor units. */
  paid: bigint;
  /** LOAN_REPAYMENT transactions out of the account, by status. */
  debits: { PENDING: number; POSTED: number; VOIDED: number };
  balance: bigint;
  held: bigint;
}

export async function repaymentState(bank: TestStack, loanId: string, accountId: string): Promise<RepaymentState> {
  const lending = sqlOf(bank, 'lending');
  const banking = sqlOf(bank, 'banking');
  const [loan] = await lending.execute<{ status: string }[]>('select status from loans where id = ?', [loanId]);
  const rows = await lending.execute<{ status: 'PENDING' | 'COMPLETED' | 'FAILED' }[]>(
    'select status from loan_repayments where loan_id = ?',
    [loanId],
  );
  const [paid] = await lending.execute<{ paid: string }[]>(
    'select coalesce(sum(paid_interest + paid_principal), 0)::text as paid from loan_installments where loan_id = ?',
    [loanId],
  );
  const txs = await banking.execute<{ status: 'PENDING' | 'POSTED' | 'VOIDED' }[]>(
    `select status from transactions where kind = 'LOAN_REPAYMENT' and from_account_id = ?`,
    [accountId],
  );
  const [account] = await banking.execute<{ balance: string; held: string }[]>(
    'select balance::text as balance, held::text as held from accounts where id = ?',
    [accountId],
  );
  const repayments = { PENDING: 0, COMPLETED: 0, FAILED: 0 };
  for (const r of rows) repayments[r.status] += 1;
  const debits = { PENDING: 0, POSTED: 0, VOIDED: 0 };
  for (const tx of txs) debits[tx.status] += 1;
  return {
    loanStatus: loan?.status ?? 'MISSING',
    repayments,
    paid: BigInt(paid?.paid ?? '-1'),
    debits,
    balance: BigInt(account?.balance ?? '-1'),
    held: BigInt(account?.held ?? '-1'),
  };
}

/**
 * The sagas' invariant over both whole databases, as a list of violations
 * (empty when it holds). With `settled` (after a restart has run), nothing
 * may be left half-way: no DISBURSING loan, PENDING repayment or pending
 * loan hold.
 *
 * - banking's ledger balances (faults.ts `ledgerViolations`);
 * - each posted disbursement belongs to exactly one ACTIVE or PAID_OFF loan
 *   (its `disbursementTransactionId`, same amount and account), and each such
 *   loan has one; the application of a paid-out loan is DISBURSED, of a
 *   DISBURSING one ACCEPTED, and no application is ACCEPTED or DISBURSED
 *   without a loan;
 * - repayments and LOAN_REPAYMENT holds (faults.ts `holdPaymentViolations`):
 *   a COMPLETED repayment has exactly one posted debit (its own), a FAILED
 *   one none, and every debit belongs to a repayment;
 * - what the installments say was paid is what the applied repayments add
 *   up to; a loan is PAID_OFF exactly when nothing is owed.
 */
export async function sagaInvariantViolations(bank: TestStack, settled = true): Promise<string[]> {
  return lendingViolations(sqlOf(bank, 'lending'), sqlOf(bank, 'banking'), settled);
}

/** {@link sagaInvariantViolations} over any two databases (a restored bank's: test/operations-restore-drill.test.ts). */
export async function lendingViolations(lending: Sql, banking: Sql, settled = true): Promise<string[]> {
  const problems = await ledgerViolations(banking);

  const txs = await banking.execute<
    { id: string; kind: string; status: string; amount: string; from_account_id: string; to_account_id: string }[]
  >(
    `select id, kind, status, amount::text as amount, from_account_id, to_account_id
       from transactions where kind = 'LOAN_DISBURSEMENT'`,
  );
  const txById = new Map(txs.map((t) => [t.id, t]));
  const loans = await lending.execute<
    {
      id: string;
      application_id: string;
      status: string;
      principal: string;
      disbursement_account_id: string;
      disbursement_transaction_id: string | null;
    }[]
  >(
    'select id, application_id, status, principal::text as principal, disbursement_account_id, disbursement_transaction_id from loans',
  );
  const applications = await lending.execute<{ id: string; status: string }[]>(
    'select id, status from loan_applications',
  );
  const repayments = await lending.execute<(HoldPaymentRow & { loan_id: string })[]>(
    `select id, loan_id, status, amount::text as amount, currency, from_account_id, hold_id,
            applied_at is not null as applied
       from loan_repayments`,
  );
  const installments = await lending.execute<{ loan_id: string; paid: string; owed: string }[]>(
    `select loan_id, sum(paid_interest + paid_principal)::text as paid,
            sum(interest + principal - paid_interest - paid_principal)::text as owed
       from loan_installments group by loan_id`,
  );

  if (settled) {
    for (const t of txs) if (t.status === 'PENDING') problems.push(`${t.kind} hold ${t.id} left PENDING`);
    for (const l of loans) if (l.status === 'DISBURSING') problems.push(`loan ${l.id} left DISBURSING`);
  }

  // Disbursements.
  const paidOut = new Map<string, string>();
  for (const l of loans) {
    if (l.status !== 'ACTIVE' && l.status !== 'PAID_OFF') continue;
    const tx = l.disbursement_transaction_id ? txById.get(l.disbursement_transaction_id) : undefined;
    if (!tx || tx.kind !== 'LOAN_DISBURSEMENT' || tx.status !== 'POSTED') {
      problems.push(`loan ${l.id} is ${l.status} without a posted disbursement`);
      continue;
    }
    if (tx.amount !== l.principal || tx.to_account_id !== l.disbursement_account_id) {
      problems.push(`loan ${l.id}: disbursement ${tx.id} is ${tx.amount} into ${tx.to_account_id}`);
    }
    if (paidOut.has(tx.id)) problems.push(`disbursement ${tx.id} claimed by loans ${paidOut.get(tx.id)} and ${l.id}`);
    paidOut.set(tx.id, l.id);
  }
  for (const t of txs) {
    if (t.kind === 'LOAN_DISBURSEMENT' && t.status === 'POSTED' && !paidOut.has(t.id)) {
      const holder = loans.find((l) => l.status === 'DISBURSING' && l.disbursement_account_id === t.to_account_id);
      if (settled || !holder) problems.push(`disbursement ${t.id} posted without a loan paid out by it`);
    }
  }
  const loanOf = new Map(loans.map((l) => [l.application_id, l]));
  for (const a of applications) {
    const loan = loanOf.get(a.id);
    const expected = !loan ? null : loan.status === 'DISBURSING' ? 'ACCEPTED' : 'DISBURSED';
    if (expected && a.status !== expected) {
      problems.push(`application ${a.id} is ${a.status}, its loan ${loan?.status}`);
    }
    if (!expected && (a.status === 'ACCEPTED' || a.status === 'DISBURSED')) {
      problems.push(`application ${a.id} is ${a.status} without a loan`);
    }
  }

  // Repayments and their LOAN_REPAYMENT holds.
  problems.push(
    ...(await holdPaymentViolations(banking, repayments, {
      what: 'repayment',
      kind: 'LOAN_REPAYMENT',
      scope: 'service:lending',
      keyOf: repaymentKey,
      to: 'LOANS',
      settled,
    })),
  );
  const appliedByLoan = new Map<string, bigint>();
  for (const r of repayments) {
    if (r.applied) appliedByLoan.set(r.loan_id, (appliedByLoan.get(r.loan_id) ?? 0n) + BigInt(r.amount));
  }
  const statusOf = new Map(loans.map((l) => [l.id, l.status]));
  for (const i of installments) {
    const applied = appliedByLoan.get(i.loan_id) ?? 0n;
    if (BigInt(i.paid) !== applied) {
      problems.push(`loan ${i.loan_id}: installments paid ${i.paid}, repayments applied ${applied}`);
    }
    const paidOff = statusOf.get(i.loan_id) === 'PAID_OFF';
    if (paidOff !== (i.owed === '0')) {
      problems.push(`loan ${i.loan_id} is ${statusOf.get(i.loan_id)} with ${i.owed} owed`);
    }
  }
  return problems;
}

/** Statuses an application can be taken to with {@link applicationIn}. */
export type ReachableStatus =
  'SUBMITTED' | 'COMMERCIAL_REVIEW' | 'RISK_REVIEW' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'DISBURSED';

/**
 * A new application of `owner` to `banker`, taken to `status` by the allowed
 * moves: the banker's review, `officer`'s approval, the owner's withdrawal,
 * or the owner's acceptance paid into `account` (needed for DISBURSED).
 */
export async function applicationIn(
  url: string,
  status: ReachableStatus,
  people: { owner: SignedUp; banker: SignedUp; officer?: SignedUp; account?: string },
  input: Record<string, unknown> = {},
): Promise<string> {
  const { owner, banker, officer, account } = people;
  const id = await submitApplication(url, owner, banker, input);
  if (status === 'WITHDRAWN') {
    await must(url, `mutation($id: ID!) { withdrawLoanApplication(applicationId: $id) { id } }`, { id }, owner.token);
    return id;
  }
  if (status === 'SUBMITTED') return id;
  await must(url, START_REVIEW, { id }, banker.token);
  if (status === 'COMMERCIAL_REVIEW') return id;
  const eligible = status !== 'REJECTED';
  await must(
    url,
    COMMERCIAL_REVIEW,
    { input: { applicationId: id, eligible, notes: eligible ? 'Solid cash flow.' : 'Thin margins.' } },
    banker.token,
  );
  if (status === 'RISK_REVIEW' || status === 'REJECTED') return id;
  if (!officer) throw new Error(`a risk officer is needed to take an application to ${status}`);
  await must(
    url,
    RISK_DECISION,
    { input: { applicationId: id, approved: true, annualRate: '7.5', termMonths: 24, reason: 'Within appetite.' } },
    officer.token,
  );
  if (status === 'APPROVED') return id;
  if (!account) throw new Error('an account is needed to take an application to DISBURSED');
  await must(
    url,
    ACCEPT,
    { input: { applicationId: id, disbursementAccountId: account, idempotencyKey: `accept-${id}` } },
    owner.token,
  );
  return id;
}
