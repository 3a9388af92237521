/**
 * The customer's data rights end to end, through the router: a business
 * owner with accounts, transactions, a paid bill, a loan application with a
 * document, a loan, a conversation with a banker and one with the assistant
 *
 * - exports everything into one JSON archive with a manifest, downloaded
 *   through the router by its owner only, whose checksums match;
 * - is refused erasure while money sits on an account or a loan is open
 *   (nothing changed), then, with the loan repaid and the accounts emptied,
 *   is erased: sign-in fails, personal data is gone in every subgraph, the
 *   ledger's invariants hold, and the audit log keeps its entries under a
 *   pseudonym.
 */
import { createHash } from 'node:crypto';
import { ledgerViolations, sqlOver } from './support/faults.ts';
import { addBill, billerOf, dayFromToday, ISSUE_BILL, notificationsOf, payBill } from './support/billing.ts';
import {
  ACCEPT,
  approve,
  balanceOf,
  bankerWithProfile,
  deposit,
  lendingSql,
  openAccount,
  PDF_BYTES,
  REPAY,
  submitApplication,
} from './support/lending.ts';
import { createStaff, must, signIn, signInAdmin, signUp, startConversation, TEST_PASSWORD } from './support/people.ts';
import type { SignedUp } from './support/people.ts';
import { callSubgraph, postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
let admin: SignedUp;
let banker: SignedUp;
let officer: SignedUp;
/** The business owner whose data is exported and erased. */
let dora: SignedUp;
let doraRefreshToken: string;
let business: string;
let checking: string;
let billId: string;
let biller: string;
let applicationId: string;
let documentId: string;
let loanId: string;
let conversationId: string;
/** Dora's session with the assistant, the turn that proposed a transfer, and that (pending) transfer. */
let assistantSessionId: string;
let assistantTurnId: string;
let assistantActionId: string;

const EMAIL = 'dora@example.com';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const codeOf = (result: JsonResponse) => result.errors?.[0]?.extensions?.code;

const REQUEST_EXPORT = `mutation { requestDataExport { id status requestedAt completedAt downloadPath sizeBytes sha256 failureReason } }`;
const REQUEST_ERASURE = `mutation($userId: ID) { requestErasure(userId: $userId) { userId pseudonym erasedAt } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }`;

/** GET on the router, with a bearer token or none. */
async function download(path: string, token?: string): Promise<Response> {
  return fetch(new URL(path, url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** Retries `check` until it passes (the other subgraphs anonymize from identity's event a moment later). */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  admin = await signInAdmin(url);
  banker = await bankerWithProfile(url, 'bianca');
  officer = await createStaff(url, 'rory', 'RISK_OFFICER');
  dora = await signUp(url, 'dora', 'BUSINESS_OWNER', {
    businessName: "Dora's Bakery",
    registrationNumber: 'REG-778899',
    industry: 'Bakeries',
  });
  const login = await must<{ login: { accessToken: string; refreshToken: string } }>(url, LOGIN, {
    email: EMAIL,
    password: TEST_PASSWORD,
  });
  doraRefreshToken = login.login.refreshToken;

  // Accounts and transactions.
  business = await openAccount(url, dora, 'BUSINESS');
  const { openAccount: opened } = await must<{ openAccount: { id: string } }>(
    url,
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) { id } }`,
    { input: { type: 'CHECKING', currency: 'USD', nickname: "Dora's pocket money" } },
    dora.token,
  );
  checking = opened.id;
  await deposit(url, dora, business, '1000.00');
  await must(
    url,
    `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
    {
      input: {
        fromAccountId: business,
        toAccountId: checking,
        amount: '100.00',
        idempotencyKey: 'dora-transfer-1',
        description: 'Pocket money',
      },
    },
    dora.token,
  );

  // A bill, paid.
  biller = (await billerOf(url, dora, 'UTILITIES')).id;
  billId = await addBill(url, dora, {
    billerId: biller,
    amount: '80.00',
    dueDate: dayFromToday(5),
    customerReference: 'DORA-METER-4242',
  });
  await payBill(url, dora, { billId, fromAccountId: business, amount: '80.00' });

  // A loan application with a document, approved, accepted and paid out.
  applicationId = await submitApplication(url, dora, banker, { purpose: 'A second oven for the bakery on Elm St' });
  await approve(url, applicationId, banker, officer);
  const { loanApplication } = await must<{ loanApplication: { documents: { id: string }[] } }>(
    url,
    `query($id: ID!) { loanApplication(id: $id) { documents { id } } }`,
    { id: applicationId },
    dora.token,
  );
  documentId = loanApplication.documents[0]!.id;
  const { acceptLoanOffer } = await must<{ acceptLoanOffer: { id: string; status: string } }>(
    url,
    ACCEPT,
    { input: { applicationId, disbursementAccountId: business, idempotencyKey: 'dora-accept' } },
    dora.token,
  );
  loanId = acceptLoanOffer.id;
  expect(acceptLoanOffer.status).toBe('ACTIVE');

  // A conversation with the banker, with a reply.
  conversationId = await startConversation(url, dora.token, {
    participantId: banker.id,
    subject: 'Financing the oven at 12 Elm St',
    body: 'Hello Bianca, Dora here: can we talk about the oven?',
    loanApplicationId: applicationId,
  });
  await must(
    url,
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
    { input: { conversationId, body: 'Of course, Dora. Tomorrow at nine?' } },
    banker.token,
  );
  // A session with the assistant: a question with her own words, and a transfer she leaves pending.
  const ASK = `mutation($input: AskAssistantInput!) { askAssistant(input: $input) { id session { id } action { id } } }`;
  const { askAssistant: question } = await must<{ askAssistant: { session: { id: string } } }>(
    url,
    ASK,
    { input: { text: 'how much money does the bakery on Elm St have' } },
    dora.token,
  );
  assistantSessionId = question.session.id;
  const { askAssistant: proposal } = await must<{ askAssistant: { id: string; action: { id: string } } }>(
    url,
    ASK,
    { input: { text: 'transfer 10 from checking to business', sessionId: assistantSessionId } },
    dora.token,
  );
  assistantTurnId = proposal.id;
  assistantActionId = proposal.action.id;

  // Notifications are made from events a moment later (the bill paid, the application's steps, the reply).
  await eventually(async () => {
    const kinds = new Set((await notificationsOf(url, dora)).map((n) => n.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['BILL_PAID', 'LOAN_APPLICATION_STATUS', 'NEW_MESSAGE']));
  });
}, 120_000);

afterAll(async () => {
  await bank?.close();
});

interface Manifest {
  formatVersion: number;
  generatedAt: string;
  exportId: string;
  userId: string;
  sections: { name: string; counts: Record<string, number>; bytes: number; sha256: string }[];
}
interface Archive {
  manifest: Manifest;
  sections: Record<string, { counts: Record<string, number>; data: Record<string, unknown> }>;
}

/** How many records of `kind` a section's data holds (documents and messages are nested in their parents). */
function recordsOf(data: Record<string, unknown>, kind: string): number {
  const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  if (kind === 'profile') return data.profile ? 1 : 0;
  if (kind === 'lendingProfiles') return data.lendingProfile ? 1 : 0;
  if (kind === 'documents') return list(data.applications).reduce((n, a) => n + list(a.documents).length, 0);
  if (kind === 'messages') return list(data.conversations).reduce((n, c) => n + list(c.messages).length, 0);
  if (kind === 'assistantTurns') return list(data.assistantSessions).reduce((n, s) => n + list(s.turns).length, 0);
  if (kind === 'assistantActions') {
    return list(data.assistantSessions).reduce((n, s) => n + list(s.actions).length, 0);
  }
  return list(data[kind]).length;
}

describe('data export', () => {
  let exportId: string;
  let archiveText: string;
  let archive: Archive;

  test('assembles everything the bank holds about the user into one archive, READY at once', async () => {
    const { requestDataExport } = await must<{
      requestDataExport: { id: string; status: string; downloadPath: string; sha256: string; sizeBytes: number };
    }>(url, REQUEST_EXPORT, {}, dora.token);
    expect(requestDataExport).toMatchObject({
      status: 'READY',
      downloadPath: `/data-export.json?id=${requestDataExport.id}`,
      failureReason: null,
    });
    exportId = requestDataExport.id;

    const response = await download(requestDataExport.downloadPath, dora.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="data-export-\d{4}-\d\d-\d\d\.json"$/,
    );
    archiveText = await response.text();
    expect(Buffer.byteLength(archiveText)).toBe(requestDataExport.sizeBytes);
    expect(sha256(archiveText)).toBe(requestDataExport.sha256);
    archive = JSON.parse(archiveText) as Archive;

    const { manifest } = archive;
    expect(manifest).toMatchObject({ formatVersion: 1, exportId, userId: dora.id });
    expect(Date.now() - Date.parse(manifest.generatedAt)).toBeLessThan(60_000);
    expect(manifest.sections.map((s) => s.name)).toEqual([
      'identity',
      'banking',
      'billing',
      'lending',
      'messaging',
      'assistant',
    ]);
    expect(Object.keys(archive.sections)).toEqual(manifest.sections.map((s) => s.name));
  });

  test("each section's SHA-256 and counts match the manifest", () => {
    for (const entry of archive.manifest.sections) {
      const text = JSON.stringify(archive.sections[entry.name]);
      expect({ name: entry.name, sha256: sha256(text), bytes: Buffer.byteLength(text) }).toEqual({
        name: entry.name,
        sha256: entry.sha256,
        bytes: entry.bytes,
      });
      const section = archive.sections[entry.name]!;
      expect(section.counts).toEqual(entry.counts);
      for (const [kind, count] of Object.entries(section.counts)) {
        expect({ section: entry.name, kind, count }).toEqual({
          section: entry.name,
          kind,
          count: recordsOf(section.data, kind),
        });
      }
    }
  });

  test('holds the profile and audit entries (identity)', () => {
    const identity = archive.sections.identity!.data as {
      profile: Record<string, unknown>;
      auditEntries: { type: string }[];
      sessionTokens: unknown[];
      sessions: { authenticationMethods: string[] }[];
      secondFactors: unknown[];
    };
    expect(identity.profile).toMatchObject({
      id: dora.id,
      email: EMAIL,
      name: 'dora',
      roles: ['BUSINESS_OWNER'],
      businessProfile: { businessName: "Dora's Bakery", registrationNumber: 'REG-778899', industry: 'Bakeries' },
    });
    expect(identity.auditEntries.map((a) => a.type)).toEqual(
      expect.arrayContaining(['USER_REGISTERED', 'LOGIN_SUCCEEDED', 'DATA_EXPORT_REQUESTED']),
    );
    expect(identity.sessionTokens.length).toBeGreaterThanOrEqual(2);
    expect(identity.sessions.length).toBeGreaterThanOrEqual(1);
    expect(identity.sessions[0]!.authenticationMethods).toEqual(['pwd']);
    expect(identity.secondFactors).toEqual([]);
    // Never a token or a password hash.
    expect(archiveText).not.toMatch(/argon2|passwordHash|tokenHash/);
  });

  test('holds the accounts, their transactions and statements (banking)', () => {
    const banking = archive.sections.banking!.data as {
      accounts: { id: string; nickname: string | null; balance: string; maskedNumber: string }[];
      transactions: { accountId: string; kind: string; amount: string; description: string | null }[];
      statements: { accountId: string; month: string; closingBalance: string }[];
    };
    const balanceAfter = (1000 - 100 - 80 + 50000).toFixed(2);
    expect(banking.accounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: business, balance: balanceAfter, nickname: null }),
        expect.objectContaining({ id: checking, balance: '100.00', nickname: "Dora's pocket money" }),
      ]),
    );
    expect(banking.accounts.every((a) => /^•••• \d{4}$/.test(a.maskedNumber))).toBe(true);
    const kinds = banking.transactions.map(
      (t) => `${t.accountId === business ? 'business' : 'checking'}:${t.kind}:${t.amount}`,
    );
    expect(kinds).toEqual([
      'business:DEPOSIT:1000.00',
      'business:TRANSFER:-100.00',
      'checking:TRANSFER:100.00',
      'business:BILL_PAYMENT:-80.00',
      'business:LOAN_DISBURSEMENT:50000.00',
    ]);
    const month = new Date().toISOString().slice(0, 7);
    expect(banking.statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: business, month, openingBalance: '0.00', closingBalance: balanceAfter }),
        expect.objectContaining({ accountId: checking, month, closingBalance: '100.00' }),
      ]),
    );
  });

  test('holds the bill and its payment (billing)', () => {
    const billing = archive.sections.billing!.data as {
      bills: { id: string; customerReference: string; status: string }[];
      payments: { billId: string; status: string; amount: string }[];
    };
    expect(billing.bills).toEqual([
      expect.objectContaining({ id: billId, customerReference: 'DORA-METER-4242', status: 'PAID', amount: '80.00' }),
    ]);
    expect(billing.payments).toEqual([expect.objectContaining({ billId, status: 'COMPLETED', amount: '80.00' })]);
  });

  test('holds the application with its document, decrypted, and the loan (lending)', () => {
    const lending = archive.sections.lending!.data as {
      applications: {
        id: string;
        purpose: string;
        status: string;
        history: unknown[];
        documents: { id: string; fileName: string; contentBase64: string }[];
      }[];
      loans: { id: string; status: string; principal: string; installments: unknown[] }[];
    };
    expect(lending.applications).toHaveLength(1);
    expect(lending.applications[0]).toMatchObject({
      id: applicationId,
      purpose: 'A second oven for the bakery on Elm St',
      status: 'DISBURSED',
    });
    expect(lending.applications[0]!.history.length).toBeGreaterThanOrEqual(5);
    expect(lending.applications[0]!.documents).toEqual([
      expect.objectContaining({
        id: documentId,
        fileName: 'balance-sheet.pdf',
        contentBase64: PDF_BYTES.toString('base64'),
      }),
    ]);
    expect(lending.loans).toEqual([expect.objectContaining({ id: loanId, status: 'ACTIVE', principal: '50000.00' })]);
    expect(lending.loans[0]!.installments).toHaveLength(24);
  });

  test('holds the conversation, its messages and the notifications (messaging)', () => {
    const messaging = archive.sections.messaging!.data as {
      conversations: { id: string; subject: string; messages: { body: string; sentByYou: boolean }[] }[];
      notifications: { kind: string; body: string }[];
    };
    expect(messaging.conversations).toEqual([
      expect.objectContaining({ id: conversationId, subject: 'Financing the oven at 12 Elm St' }),
    ]);
    expect(messaging.conversations[0]!.messages).toEqual([
      expect.objectContaining({ body: 'Hello Bianca, Dora here: can we talk about the oven?', sentByYou: true }),
      expect.objectContaining({ body: 'Of course, Dora. Tomorrow at nine?', sentByYou: false }),
    ]);
    expect(messaging.notifications.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['BILL_PAID', 'LOAN_APPLICATION_STATUS', 'NEW_MESSAGE']),
    );
  });

  test('holds the sessions with the assistant, their turns and actions (assistant)', () => {
    const assistant = archive.sections.assistant!;
    expect(assistant.counts).toEqual({ assistantSessions: 1, assistantTurns: 2, assistantActions: 1 });
    const { assistantSessions } = assistant.data as {
      assistantSessions: { id: string; turns: { id: string; text: string; reply: string }[]; actions: unknown[] }[];
    };
    expect(assistantSessions).toEqual([expect.objectContaining({ id: assistantSessionId })]);
    expect(assistantSessions[0]!.turns).toEqual([
      expect.objectContaining({ text: 'how much money does the bakery on Elm St have' }),
      expect.objectContaining({ id: assistantTurnId, text: 'transfer 10 from checking to business' }),
    ]);
    expect(assistantSessions[0]!.turns[1]!.reply).toMatch(/^Transfer \$10\.00 from /);
    expect(assistantSessions[0]!.actions).toEqual([
      expect.objectContaining({
        id: assistantActionId,
        kind: 'TRANSFER',
        status: 'PENDING',
        amount: '10.00',
        currency: 'USD',
        fromAccountId: checking,
        toAccountId: business,
      }),
    ]);
  });

  test('is downloaded by its owner only: NOT_FOUND for anyone else and made-up ids, UNAUTHENTICATED without a token', async () => {
    const path = `/data-export.json?id=${exportId}`;
    for (const other of [banker, admin, officer]) {
      const response = await download(path, other.token);
      expect({
        status: response.status,
        code: ((await response.json()) as JsonResponse).errors?.[0]?.extensions?.code,
      }).toEqual({
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    const madeUp = await download('/data-export.json?id=00000000-0000-4000-8000-000000000000', dora.token);
    expect(madeUp.status).toBe(404);
    const malformed = await download('/data-export.json?id=nope', dora.token);
    expect({
      status: malformed.status,
      code: ((await malformed.json()) as JsonResponse).errors?.[0]?.extensions?.code,
    }).toEqual({
      status: 400,
      code: 'BAD_USER_INPUT',
    });
    const anonymous = await download(path);
    expect({
      status: anonymous.status,
      code: ((await anonymous.json()) as JsonResponse).errors?.[0]?.extensions?.code,
    }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });

    const STATUS = `query($id: ID!) { dataExport(id: $id) { id status } dataExports { id } }`;
    const own = await must<{ dataExport: { status: string }; dataExports: { id: string }[] }>(
      url,
      STATUS,
      { id: exportId },
      dora.token,
    );
    expect(own).toEqual({ dataExport: { id: exportId, status: 'READY' }, dataExports: [{ id: exportId }] });
    const someoneElse = await postGraphQL(url, STATUS, { id: exportId }, banker.token);
    expect(codeOf(someoneElse)).toBe('NOT_FOUND');
    expect(await must(url, `query { dataExports { id } }`, {}, banker.token)).toEqual({ dataExports: [] });
    expect(codeOf(await postGraphQL(url, REQUEST_EXPORT))).toBe('UNAUTHENTICATED');
  });

  test("the subgraphs' personal-data fields are for identity only: not in the public API, FORBIDDEN to users", async () => {
    const result = await postGraphQL(
      url,
      `query($id: ID!) { bankingPersonalData(userId: $id) }`,
      { id: dora.id },
      admin.token,
    );
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    for (const [subgraph, field] of [
      ['banking', 'bankingPersonalData'],
      ['billing', 'billingPersonalData'],
      ['lending', 'lendingPersonalData'],
      ['messaging', 'messagingPersonalData'],
      ['assistant', 'assistantPersonalData'],
      ['banking', 'bankingErasureBlockers'],
      ['lending', 'lendingErasureBlockers'],
    ] as const) {
      const direct = await callSubgraph(
        bank,
        subgraph,
        { kind: 'user', userId: dora.id, roles: ['ADMIN'] },
        `query($id: ID!) { ${field}(userId: $id) }`,
        { id: dora.id },
      );
      expect({ field, code: codeOf(direct) }).toEqual({ field, code: 'FORBIDDEN' });
    }
  });
});

describe('erasure', () => {
  let auditCountBefore: number;
  let transactionCountBefore: number;

  const ACCOUNT_AS_ADMIN = `query($id: ID!) {
    account(id: $id) { nickname status balance { amount } owner { id name email erasedAt businessProfile { businessName } }
      transactions(first: 100) { edges { node { id } } } }
  }`;

  test('is refused while an account holds money and a loan is open, and nothing changes', async () => {
    const audit = await must<{ auditEvents: { edges: unknown[] } }>(
      url,
      `query($id: ID!) { auditEvents(userId: $id, first: 100) { edges { cursor } } }`,
      { id: dora.id },
      admin.token,
    );
    const refused = await postGraphQL(url, REQUEST_ERASURE, {}, dora.token);
    const error = refused.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ACCOUNT_HAS_BALANCE' });
    expect(String(error?.extensions?.reasons).split(',').sort()).toEqual(['ACCOUNT_HAS_BALANCE', 'OPEN_LOAN']);
    expect(error?.message).toMatch(/cannot be erased yet, and nothing was changed/);
    expect(error?.message).toMatch(/withdraw or transfer it first/);
    expect(error?.message).toMatch(/repay it in full first/);

    // Nothing changed: she signs in, her profile, accounts, application and messages are as they were.
    await signIn(url, EMAIL, TEST_PASSWORD);
    const { me } = await must<{ me: { name: string; email: string; erasedAt: string | null } }>(
      url,
      `query { me { name email erasedAt } }`,
      {},
      dora.token,
    );
    expect(me).toEqual({ name: 'dora', email: EMAIL, erasedAt: null });
    expect(await balanceOf(url, dora, checking)).toBe('100.00');
    expect(await lendingSql(bank, `select id from loan_documents where id = ?`, [documentId])).toHaveLength(1);
    // Only the refusal is recorded (and the sign-in above).
    const after = await must<{ auditEvents: { edges: { node: { type: string } }[] } }>(
      url,
      `query($id: ID!) { auditEvents(userId: $id, first: 100) { edges { node { type } } } }`,
      { id: dora.id },
      admin.token,
    );
    expect(after.auditEvents.edges.length).toBe(audit.auditEvents.edges.length + 2);
    expect(
      after.auditEvents.edges
        .map((e) => e.node.type)
        .slice(0, 2)
        .sort(),
    ).toEqual(['ERASURE_REFUSED', 'LOGIN_SUCCEEDED']);
  });

  test('is refused for the open loan alone once the accounts are empty', async () => {
    // Empty both accounts.
    for (const account of [business, checking]) {
      const balance = await balanceOf(url, dora, account);
      await must(
        url,
        `mutation($input: WithdrawInput!) { withdraw(input: $input) { id } }`,
        { input: { accountId: account, amount: balance, idempotencyKey: `dora-empty-${account}` } },
        dora.token,
      );
      expect(await balanceOf(url, dora, account)).toBe('0.00');
    }
    const refused = await postGraphQL(url, REQUEST_ERASURE, {}, dora.token);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      reason: 'OPEN_LOAN',
      reasons: 'OPEN_LOAN',
      blockers: 1,
    });
    expect(refused.errors?.[0]?.message).toMatch(
      new RegExp(`Loan ${loanId} is still open \\(\\d+\\.\\d\\d USD to repay\\)`),
    );
  });

  test('a loan repaid in full no longer stops it', async () => {
    // What is owed, as lending reports it for a larger amount; brought in, then repaid.
    const tooMuch = await postGraphQL(
      url,
      REPAY,
      { input: { loanId, fromAccountId: business, amount: '999999.00', idempotencyKey: 'dora-repay-probe' } },
      dora.token,
    );
    const owed = String(tooMuch.errors?.[0]?.extensions?.owed);
    expect(owed).toMatch(/^\d+\.\d\d$/);
    await deposit(url, dora, business, owed);
    const { repayLoan } = await must<{ repayLoan: { status: string } }>(
      url,
      REPAY,
      { input: { loanId, fromAccountId: business, amount: owed, idempotencyKey: 'dora-repay-all' } },
      dora.token,
    );
    expect(repayLoan.status).toBe('COMPLETED');
    const { loan } = await must<{ loan: { status: string } }>(
      url,
      `query($id: ID!) { loan(id: $id) { status } }`,
      { id: loanId },
      dora.token,
    );
    expect(loan.status).toBe('PAID_OFF');
    expect(await balanceOf(url, dora, business)).toBe('0.00');
  });

  test('succeeds with empty accounts and the loan repaid; the user cannot sign in', async () => {
    const before = await must<{ auditEvents: { edges: unknown[] } }>(
      url,
      `query($id: ID!) { auditEvents(userId: $id, first: 100) { edges { cursor } } }`,
      { id: dora.id },
      admin.token,
    );
    auditCountBefore = before.auditEvents.edges.length;
    const accountBefore = await must<{ account: { transactions: { edges: unknown[] } } }>(
      url,
      ACCOUNT_AS_ADMIN,
      { id: business },
      admin.token,
    );
    transactionCountBefore = accountBefore.account.transactions.edges.length;

    const { requestErasure } = await must<{ requestErasure: { userId: string; pseudonym: string; erasedAt: string } }>(
      url,
      REQUEST_ERASURE,
      {},
      dora.token,
    );
    expect(requestErasure.userId).toBe(dora.id);
    expect(requestErasure.pseudonym).not.toBe(dora.id);

    // Sign-in gives the usual answer for a wrong password; her refresh token is revoked.
    const login = await postGraphQL(url, LOGIN, { email: EMAIL, password: TEST_PASSWORD });
    expect({ code: codeOf(login), message: login.errors?.[0]?.message }).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Invalid email or password.',
    });
    const refresh = await postGraphQL(url, `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, {
      t: doraRefreshToken,
    });
    expect(codeOf(refresh)).toBe('UNAUTHENTICATED');
    // A second erasure: already done.
    const again = await postGraphQL(url, REQUEST_ERASURE, { userId: dora.id }, admin.token);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ALREADY_ERASED' });
    // Nor can an ADMIN give the erased user roles again.
    const roles = await postGraphQL(
      url,
      'mutation ($id: ID!) { setUserRoles(input: { userId: $id, roles: [ADMIN] }) { id } }',
      { id: dora.id },
      admin.token,
    );
    expect(roles.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ALREADY_ERASED' });
    // The email is free again: someone else may sign up with it.
    const newcomer = await signUp(url, 'dora', 'CUSTOMER');
    expect(newcomer.id).not.toBe(dora.id);

    // The audit log keeps every entry, under the pseudonym, plus the erasure.
    const byId = await must<{ auditEvents: { edges: unknown[] } }>(
      url,
      `query($id: ID!) { auditEvents(userId: $id, first: 100) { edges { cursor } } }`,
      { id: dora.id },
      admin.token,
    );
    expect(byId.auditEvents.edges).toHaveLength(0);
    const byPseudonym = await must<{ auditEvents: { edges: { node: { type: string; userId: string } }[] } }>(
      url,
      `query($id: ID!) { auditEvents(userId: $id, first: 100) { edges { node { type userId } } } }`,
      { id: requestErasure.pseudonym },
      admin.token,
    );
    const types = byPseudonym.auditEvents.edges.map((e) => e.node.type);
    expect(types).toHaveLength(auditCountBefore + 1);
    expect(types[0]).toBe('USER_ERASED');
    expect(types).toEqual(
      expect.arrayContaining(['USER_REGISTERED', 'LOGIN_SUCCEEDED', 'DATA_EXPORT_REQUESTED', 'ERASURE_REFUSED']),
    );
  });

  test('removes the personal data in every subgraph, as staff see it through the router', async () => {
    await eventually(async () => {
      // Identity and banking: an anonymous owner, nickname gone, accounts closed, transactions kept.
      for (const id of [business, checking]) {
        const { account } = await must<{
          account: {
            nickname: string | null;
            status: string;
            owner: Record<string, unknown>;
            transactions: { edges: unknown[] };
          };
        }>(url, ACCOUNT_AS_ADMIN, { id }, admin.token);
        expect(account).toMatchObject({
          nickname: null,
          status: 'CLOSED',
          owner: { id: dora.id, name: 'Erased user', email: null, businessProfile: null },
        });
        expect(account.owner.erasedAt).not.toBeNull();
        if (id === business) expect(account.transactions.edges).toHaveLength(transactionCountBefore);
      }
      // Billing: the reference at the biller is gone, the bill and its payment kept.
      const { bill } = await must<{ bill: { customerReference: string; status: string } }>(
        url,
        `query($id: ID!) { bill(id: $id) { customerReference status } }`,
        { id: billId },
        admin.token,
      );
      expect(bill).toEqual({ customerReference: '[erased]', status: 'PAID' });
      // Lending: the purpose and the document gone, the loan kept.
      const { loanApplication, loan } = await must<{
        loanApplication: { purpose: string; documents: unknown[]; applicant: { name: string } };
        loan: { status: string; principal: { amount: string } };
      }>(
        url,
        `query($a: ID!, $l: ID!) {
          loanApplication(id: $a) { purpose documents { id } applicant { name } }
          loan(id: $l) { status principal { amount } }
        }`,
        { a: applicationId, l: loanId },
        admin.token,
      );
      expect(loanApplication).toEqual({ purpose: '[erased]', documents: [], applicant: { name: 'Erased user' } });
      expect(loan).toEqual({ status: 'PAID_OFF', principal: { amount: '50000.00' } });
      const document = await postGraphQL(
        url,
        `query($id: ID!) { loanDocument(id: $id) { contentBase64 } }`,
        { id: documentId },
        admin.token,
      );
      expect(codeOf(document)).toBe('NOT_FOUND');
      // Messaging: her messages and her subject are gone, the banker's reply stays.
      const { conversation } = await must<{
        conversation: { subject: string; messages: { edges: { node: { body: string; sender: { name: string } } }[] } };
      }>(
        url,
        `query($id: ID!) { conversation(id: $id) { subject messages(last: 10) { edges { node { body sender { name } } } } } }`,
        { id: conversationId },
        banker.token,
      );
      expect(conversation.subject).toBe('[erased]');
      expect(conversation.messages.edges.map((e) => e.node)).toEqual([
        { body: '[erased]', sender: { name: 'Erased user' } },
        { body: 'Of course, Dora. Tomorrow at nine?', sender: { name: 'bianca' } },
      ]);
      // Nobody can bill her or start a conversation with her any more.
      const issued = await postGraphQL(
        url,
        ISSUE_BILL,
        {
          input: {
            userId: dora.id,
            billerId: biller,
            customerReference: 'X-1',
            amount: '5.00',
            dueDate: dayFromToday(9),
          },
        },
        admin.token,
      );
      expect(issued.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'userId' });
      const started = await postGraphQL(
        url,
        `mutation($input: StartConversationInput!) { startConversation(input: $input) { id } }`,
        { input: { participantId: dora.id, subject: 'Hello', body: 'Still there?' } },
        banker.token,
      );
      expect(started.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'participantId' });
      // Her access token still works until it expires (15 minutes at most): what it shows is anonymous.
      const notifications = await notificationsOf(url, dora);
      expect(notifications.length).toBeGreaterThan(0);
      expect(notifications.every((n) => n.body === '[erased]' && n.link === null)).toBe(true);
      // Assistant: what she wrote and what it answered are gone; the transfer she left pending is cancelled.
      const { assistantSession } = await must<{
        assistantSession: {
          turns: { edges: { node: { text: string; reply: string; action: { status: string } | null } }[] };
        };
      }>(
        url,
        `query($id: ID!) { assistantSession(id: $id) { turns { edges { node { text reply action { status } } } } } }`,
        { id: assistantSessionId },
        dora.token,
      );
      expect(assistantSession.turns.edges.map((e) => e.node)).toEqual([
        { text: '[erased]', reply: '[erased]', action: null },
        { text: '[erased]', reply: '[erased]', action: { status: 'CANCELLED' } },
      ]);
    });
    const { me, dataExports } = await must<{ me: { name: string; email: string | null }; dataExports: unknown[] }>(
      url,
      `query { me { name email } dataExports { id } }`,
      {},
      dora.token,
    );
    expect({ me, dataExports }).toEqual({ me: { name: 'Erased user', email: null }, dataExports: [] });
    // Her directory entries: the banker directory and billing know nothing personal; lending's rows are anonymous.
    const rows = await lendingSql<{ purpose: string }>(
      bank,
      `select purpose from loan_applications where applicant_id = ?`,
      [dora.id],
    );
    expect(rows).toEqual([{ purpose: '[erased]' }]);
  });

  test('the erasure event handled again (a redelivery) changes nothing more', async () => {
    const { stack } = bank;
    const snapshot = async () => ({
      banking: await stack.subgraphs
        .banking!.orm.em.getConnection()
        .execute(`select id, nickname, status, balance::text from accounts where owner_id = ? order by id`, [dora.id]),
      entries: await stack.subgraphs
        .banking!.orm.em.getConnection()
        .execute(`select count(*)::text as n, sum(amount)::text as total from entries`),
      billing: await stack.subgraphs
        .billing!.orm.em.getConnection()
        .execute(`select id, customer_reference, status, updated_at from bills where owner_id = ? order by id`, [
          dora.id,
        ]),
      lending: await lendingSql(
        bank,
        `select a.id, a.purpose, a.status, (select count(*) from loan_application_transitions t where t.application_id = a.id)::text as steps
           from loan_applications a where applicant_id = ? order by id`,
        [dora.id],
      ),
      messaging: await stack.subgraphs.messaging!.orm.em.getConnection().execute(
        `select m.id, m.body, c.subject from messages m join conversations c on c.id = m.conversation_id
            where c.id = ? order by m.seq`,
        [conversationId],
      ),
      assistant: await stack.subgraphs.assistant!.orm.em.getConnection().execute(
        `select t.id, t.text, t.reply, t.cards, a.status, a.summary, a.decided_at from assistant_turns t
            left join assistant_actions a on a.id = t.action_id where t.user_id = ? order by t.seq`,
        [dora.id],
      ),
    });
    const before = await snapshot();
    const [event] = await bank.stack.subgraphs
      .identity!.orm.em.getConnection()
      .execute<{ id: string; type: string; payload: Record<string, unknown>; occurred_at: Date }[]>(
        `select id, type, payload, occurred_at from outbox_events where type = 'identity.user.erased' and payload->>'userId' = ?`,
        [dora.id],
      );
    expect(event).toBeDefined();
    // The same event once more on the durable stream, as after a consumer's crash before its acknowledgement.
    await bank.stack.bus.append({
      id: event!.id,
      type: event!.type,
      payload: event!.payload,
      occurredAt: new Date(event!.occurred_at).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await snapshot()).toEqual(before);
  });

  test("keeps the ledger's invariants: entries sum to zero, every balance equals its entries", async () => {
    const banking = sqlOver(bank.stack.subgraphs.banking!.orm);
    expect(await ledgerViolations(banking)).toEqual([]);
    const [total] = await banking.execute<{ sum: string }[]>(
      `select coalesce(sum(amount), 0)::text as sum from entries`,
    );
    expect(total!.sum).toBe('0');
    const [owned] = await banking.execute<{ n: string }[]>(
      `select count(*)::text as n from entries e join accounts a on a.id = e.account_id where a.owner_id = ?`,
      [dora.id],
    );
    // Deposit, transfer (two sides), bill, payout, two withdrawals, deposit, repayment.
    expect(Number(owned!.n)).toBe(9);
  });

  test('an ADMIN may erase another user; a customer may not; an ADMIN cannot be erased', async () => {
    const ed = await signUp(url, 'ed', 'CUSTOMER');
    const carl = await signUp(url, 'carl', 'CUSTOMER');
    expect(codeOf(await postGraphQL(url, REQUEST_ERASURE, { userId: ed.id }, carl.token))).toBe('FORBIDDEN');
    expect(
      codeOf(await postGraphQL(url, REQUEST_ERASURE, { userId: '00000000-0000-4000-8000-000000000000' }, admin.token)),
    ).toBe('NOT_FOUND');
    const { requestErasure } = await must<{ requestErasure: { userId: string } }>(
      url,
      REQUEST_ERASURE,
      { userId: ed.id },
      admin.token,
    );
    expect(requestErasure.userId).toBe(ed.id);
    expect(codeOf(await postGraphQL(url, LOGIN, { email: 'ed@example.com', password: TEST_PASSWORD }))).toBe(
      'UNAUTHENTICATED',
    );
    const adminErasure = await postGraphQL(url, REQUEST_ERASURE, {}, admin.token);
    expect(adminErasure.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      reason: 'ADMIN_ROLE',
    });
    expect(codeOf(await postGraphQL(url, REQUEST_ERASURE, {}))).toBe('UNAUTHENTICATED');
  });
});

// Last: these stop subgraphs of the stack.
describe('when a subgraph cannot answer', () => {
  test('an export is FAILED, with the reason, and offers nothing partial', async () => {
    const fay = await signUp(url, 'fay', 'CUSTOMER');
    await bank.stack.subgraphs.messaging!.close();
    const { requestDataExport } = await must<{
      requestDataExport: { id: string; status: string; downloadPath: string | null; failureReason: string };
    }>(url, REQUEST_EXPORT, {}, fay.token);
    expect(requestDataExport).toMatchObject({ status: 'FAILED', downloadPath: null, sha256: null, sizeBytes: null });
    expect(requestDataExport.failureReason).toMatch(/messaging service could not be reached.*Ask for a new export/);
    const response = await download(`/data-export.json?id=${requestDataExport.id}`, fay.token);
    expect({
      status: response.status,
      code: ((await response.json()) as JsonResponse).errors?.[0]?.extensions?.code,
    }).toEqual({
      status: 400,
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  test('an erasure is refused with SERVICE_UNAVAILABLE when lending cannot be asked, and nothing changes', async () => {
    const gus = await signUp(url, 'gus', 'CUSTOMER');
    await bank.stack.subgraphs.lending!.close();
    const refused = await postGraphQL(url, REQUEST_ERASURE, {}, gus.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.errors?.[0]?.message).toMatch(/lending service cannot be reached.*nothing was changed/);
    const again = await signIn(url, 'gus@example.com', TEST_PASSWORD);
    const { me } = await must<{ me: { name: string; erasedAt: string | null } }>(
      url,
      `query { me { name erasedAt } }`,
      {},
      again.token,
    );
    expect(me).toEqual({ name: 'gus', erasedAt: null });
  });
});
