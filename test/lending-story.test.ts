/**
 * The lending story end to end, through the router only: a business owner
 * finds a banker, opens a conversation about the application, applies with
 * a document, the banker reviews, a risk officer approves while the owner
 * is subscribed and sees each status arrive live, the owner accepts, the
 * money arrives in the owner's account, and the owner repays one installment.
 */
import {
  ACCEPT,
  approve,
  balanceOf,
  bankerWithProfile,
  businessOwner,
  openAccount,
  PDF_BYTES,
  REPAY,
  submitApplication,
} from './support/lending.ts';
import { createStaff, must, startConversation, type SignedUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { connect, subscribe, until, type WsClient } from './support/ws.ts';

let bank: TestStack;
let url: string;
const clients: WsClient[] = [];

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
}, 60_000);
afterAll(async () => {
  for (const ws of clients) await ws.dispose();
  await bank?.close();
});

const BANKERS = `query($filter: BankerFilter!) {
  bankers(filter: $filter) {
    edges { node { id name email bankerProfile { institution title } lendingProfile { products minAmount { amount } maxAmount { amount } available } } }
  }
}`;

const UPDATED = `subscription($id: ID) {
  loanApplicationUpdated(applicationId: $id) {
    id status applicant { name } loan { status } disbursementAccount { balance { amount } }
  }
}`;

interface Update {
  loanApplicationUpdated: {
    id: string;
    status: string;
    applicant: { name: string };
    loan: { status: string } | null;
    disbursementAccount: { balance: { amount: string } } | null;
  };
}

test('owner finds a banker, applies, is approved live, is paid out and repays an installment', async () => {
  const banker = await bankerWithProfile(url, 'bianca');
  await bankerWithProfile(url, 'other', { ...DEFAULT_OTHER });
  const owner: SignedUp = await businessOwner(url, 'olga');
  const officer = await createStaff(url, 'rita', 'RISK_OFFICER');

  // 1. The directory: bankers lending 50,000 for a term loan to bakeries.
  const { bankers } = await must<{ bankers: { edges: { node: Record<string, unknown> }[] } }>(
    url,
    BANKERS,
    { filter: { product: 'TERM_LOAN', amount: '50000.00', industry: 'bakeries' } },
    owner.token,
  );
  expect(bankers.edges.map((e) => e.node)).toEqual([
    {
      id: banker.id,
      name: 'bianca',
      email: null,
      bankerProfile: { institution: 'Bank Supergraph', title: 'Commercial Lender' },
      lendingProfile: {
        products: ['TERM_LOAN', 'EQUIPMENT_FINANCING'],
        minAmount: { amount: '10000.00' },
        maxAmount: { amount: '500000.00' },
        available: true,
      },
    },
  ]);

  // 2. The application, with a document, and a conversation about it.
  const account = await openAccount(url, owner);
  const applicationId = await submitApplication(url, owner, banker);
  const conversationId = await startConversation(url, owner.token, {
    participantId: banker.id,
    subject: 'My loan application',
    body: 'I just applied for the oven.',
    loanApplicationId: applicationId,
  });
  const { conversation } = await must<{ conversation: { loanApplicationId: string } }>(
    url,
    `query($id: ID!) { conversation(id: $id) { loanApplicationId } }`,
    { id: conversationId },
    banker.token,
  );
  expect(conversation.loanApplicationId).toBe(applicationId);

  // 3. The owner follows the application live while the bank decides.
  const ws = connect(url, owner.token);
  clients.push(ws);
  const sub = subscribe<Update>(ws, UPDATED, { id: applicationId });
  const before = bank.stack.router.subscriptions.stats().subscriptions;
  await until(() => bank.stack.router.subscriptions.stats().subscriptions > before, 10_000, 'subscribed');
  await new Promise((resolve) => setTimeout(resolve, 200));

  await approve(url, applicationId, banker, officer, { annualRate: '7.5', termMonths: 24 });
  for (const status of ['COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED']) {
    const event = await sub.next();
    expect(event.errors).toBeUndefined();
    expect(event.data?.loanApplicationUpdated).toMatchObject({
      id: applicationId,
      status,
      applicant: { name: 'olga' },
    });
  }

  // 4. Accepting pays the loan out into the owner's account.
  const { acceptLoanOffer: loan } = await must<{
    acceptLoanOffer: {
      id: string;
      status: string;
      principal: { amount: string };
      nextInstallment: {
        number: number;
        payment: { amount: string };
        principal: { amount: string };
        interest: { amount: string };
      };
    };
  }>(
    url,
    ACCEPT,
    { input: { applicationId, disbursementAccountId: account, idempotencyKey: 'accept-1' } },
    owner.token,
  );
  expect(loan).toMatchObject({ status: 'ACTIVE', principal: { amount: '50000.00' } });
  expect(await balanceOf(url, owner, account)).toBe('50000.00');
  for (const status of ['ACCEPTED', 'DISBURSED']) {
    const event = await sub.next();
    expect(event.data?.loanApplicationUpdated.status).toBe(status);
  }
  // 50,000 at 7.5 % over 24 months: 2,249.98 a month; the first month's interest is 312.50.
  expect(loan.nextInstallment).toEqual({
    number: 1,
    payment: { amount: '2249.98' },
    principal: { amount: '1937.48' },
    interest: { amount: '312.50' },
  });

  // 5. Repaying the first installment: interest first, then principal.
  const { repayLoan } = await must<{
    repayLoan: { status: string; interest: { amount: string }; principal: { amount: string } };
  }>(
    url,
    REPAY,
    { input: { loanId: loan.id, fromAccountId: account, amount: '2249.98', idempotencyKey: 'repay-1' } },
    owner.token,
  );
  expect(repayLoan).toMatchObject({
    status: 'COMPLETED',
    interest: { amount: '312.50' },
    principal: { amount: '1937.48' },
  });
  expect(await balanceOf(url, owner, account)).toBe('47750.02');
  const { loan: after } = await must<{
    loan: { paidInstallments: number; outstandingPrincipal: { amount: string }; nextInstallment: { number: number } };
  }>(
    url,
    `query($id: ID!) { loan(id: $id) { paidInstallments outstandingPrincipal { amount } nextInstallment { number } } }`,
    { id: loan.id },
    owner.token,
  );
  expect(after).toEqual({
    paidInstallments: 1,
    outstandingPrincipal: { amount: '48062.52' },
    nextInstallment: { number: 2 },
  });

  // 6. The banker reads the document; the database holds only ciphertext.
  const { loanApplication } = await must<{ loanApplication: { documents: { id: string }[] } }>(
    url,
    `query($id: ID!) { loanApplication(id: $id) { documents { id } } }`,
    { id: applicationId },
    banker.token,
  );
  const documentId = loanApplication.documents[0]!.id;
  const { loanDocument } = await must<{ loanDocument: { contentBase64: string } }>(
    url,
    `query($id: ID!) { loanDocument(id: $id) { contentBase64 document { fileName contentType size } } }`,
    { id: documentId },
    banker.token,
  );
  expect(Buffer.from(loanDocument.contentBase64, 'base64').equals(PDF_BYTES)).toBe(true);
  const [stored] = await bank.stack.subgraphs
    .lending!.orm.em.getConnection()
    .execute<{ ciphertext: Buffer }[]>('select ciphertext from loan_documents where id = ?', [documentId]);
  expect(stored!.ciphertext.length).toBe(PDF_BYTES.length);
  expect(stored!.ciphertext.equals(PDF_BYTES)).toBe(false);
  expect(stored!.ciphertext.includes(Buffer.from('%PDF'))).toBe(false);
  await sub.stop();
});

const DEFAULT_OTHER = {
  products: ['SBA_LOAN'],
  minAmount: '1000.00',
  maxAmount: '20000.00',
  industries: [],
  available: true,
};
