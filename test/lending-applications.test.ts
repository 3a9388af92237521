/**
 * Submitting a loan application through the router: who may apply, to which
 * banker, for what, with which documents; every refusal names the input at
 * fault and writes nothing (no application, document, history row or event).
 */
import {
  bankerWithProfile,
  businessOwner,
  DEFAULT_PROFILE,
  lendingCounts,
  lendingSql,
  pdfDocument,
  PDF_BYTES,
  PNG_BYTES,
  problemOf,
  SUBMIT,
} from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
let owner: SignedUp;
let banker: SignedUp;
let away: SignedUp; // a banker not taking new applications
let bare: SignedUp; // a banker without a lending profile
let customer: SignedUp;
let officer: SignedUp;
let admin: SignedUp;

const JPEG_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const MIB = 1024 * 1024;

const document = (bytes: Buffer, contentType: string, fileName = 'scan') => ({
  fileName,
  contentType,
  contentBase64: bytes.toString('base64'),
});

/** A PDF of exactly `size` bytes (the PDF signature, then padding). */
const pdfOfSize = (size: number): Buffer => {
  const bytes = Buffer.alloc(size, 0x20);
  PDF_BYTES.copy(bytes, 0, 0, Math.min(PDF_BYTES.length, size));
  return bytes;
};

const validInput = (overrides: Record<string, unknown> = {}) => ({
  bankerId: banker.id,
  product: 'TERM_LOAN',
  amount: '50000.00',
  termMonths: 24,
  purpose: 'A second oven',
  documents: [pdfDocument()],
  ...overrides,
});

/** Submits as the holder of `token` (null: anonymously). */
const submit = (input: Record<string, unknown>, token: string | null = owner.token): Promise<JsonResponse> =>
  postGraphQL(url, SUBMIT, { input }, token ?? undefined);

/** Sends `input` and expects it refused with `code` (and `field`), with nothing written. */
async function refused(
  input: Record<string, unknown>,
  expected: { code: string; field?: string },
  token: string | null = owner.token,
): Promise<JsonResponse> {
  const before = await lendingCounts(bank);
  const result = await submit(input, token);
  expect(result.data?.submitLoanApplication ?? null).toBeNull();
  expect(problemOf(result)).toEqual({ code: expected.code, field: expected.field });
  expect(await lendingCounts(bank)).toEqual(before);
  return result;
}

/** Sends `input` and expects it accepted. */
async function accepted(input: Record<string, unknown>): Promise<string> {
  const result = await submit(input);
  expect(result.errors).toBeUndefined();
  return (result.data?.submitLoanApplication as { id: string }).id;
}

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  [owner, banker, away, bare, customer, officer, admin] = await Promise.all([
    businessOwner(url, 'olga'),
    bankerWithProfile(url, 'bianca'),
    bankerWithProfile(url, 'away', { ...DEFAULT_PROFILE, available: false }),
    signUp(url, 'bare', 'BANKER', { institution: 'Bank Supergraph' }),
    signUp(url, 'cyril', 'CUSTOMER'),
    createStaff(url, 'rita', 'RISK_OFFICER'),
    signInAdmin(url),
  ]);
}, 60_000);

afterAll(async () => {
  await bank?.close();
});

describe('a valid application', () => {
  test('is SUBMITTED with its documents (encrypted), one history row, and shown to the applicant', async () => {
    const before = await lendingCounts(bank);
    const documents = [
      document(PDF_BYTES, 'application/pdf', 'balance-sheet.pdf'),
      document(PNG_BYTES, 'image/png', 'id-card.png'),
      document(JPEG_BYTES, 'image/jpeg', 'shop front.jpg'),
    ];
    const result = await submit(validInput({ amount: '75000.50', termMonths: 36, documents }));
    expect(result.errors).toBeUndefined();
    const submitted = result.data?.submitLoanApplication as { id: string; status: string };
    expect(submitted.status).toBe('SUBMITTED');
    const after = await lendingCounts(bank);
    expect(after.loan_applications).toBe(before.loan_applications + 1);
    expect(after.loan_documents).toBe(before.loan_documents + 3);
    expect(after.loan_application_transitions).toBe(before.loan_application_transitions + 1);

    const { loanApplication } = await must<{ loanApplication: Record<string, unknown> }>(
      url,
      `query($id: ID!) { loanApplication(id: $id) {
        id applicant { id name } banker { id name } product amount { amount currency } termMonths purpose status
        submittedAt updatedAt history { from to actor { id } note } documents { fileName contentType size }
        commercialReview { eligible } riskDecision { approved } loan { id } disbursementAccount { id }
      } }`,
      { id: submitted.id },
      owner.token,
    );
    expect(loanApplication).toMatchObject({
      id: submitted.id,
      applicant: { id: owner.id, name: 'olga' },
      banker: { id: banker.id, name: 'bianca' },
      product: 'TERM_LOAN',
      amount: { amount: '75000.50', currency: 'USD' },
      termMonths: 36,
      purpose: 'A second oven',
      status: 'SUBMITTED',
      history: [{ from: null, to: 'SUBMITTED', actor: { id: owner.id }, note: null }],
      commercialReview: null,
      riskDecision: null,
      loan: null,
      disbursementAccount: null,
    });
    expect(loanApplication.submittedAt).toBe(loanApplication.updatedAt);
    // The SDL promises no order of documents (lending sorts them by their random ids).
    const listed = [...(loanApplication.documents as { fileName: string }[])];
    expect(listed.sort((a, b) => a.fileName.localeCompare(b.fileName))).toEqual([
      { fileName: 'balance-sheet.pdf', contentType: 'application/pdf', size: PDF_BYTES.length },
      { fileName: 'id-card.png', contentType: 'image/png', size: PNG_BYTES.length },
      { fileName: 'shop front.jpg', contentType: 'image/jpeg', size: JPEG_BYTES.length },
    ]);
  });

  test('documents are optional (omitted, null or empty)', async () => {
    for (const documents of [undefined, null, []]) {
      const input = validInput({ documents });
      if (documents === undefined) delete (input as { documents?: unknown }).documents;
      const id = await accepted(input);
      const { loanApplication } = await must<{ loanApplication: { documents: unknown[] } }>(
        url,
        `query($id: ID!) { loanApplication(id: $id) { documents { id } } }`,
        { id },
        owner.token,
      );
      expect(loanApplication.documents).toEqual([]);
    }
  });

  test('the limits themselves are accepted', async () => {
    await accepted(validInput({ amount: '10000.00' })); // the banker's minimum
    await accepted(validInput({ amount: '500000.00' })); // the banker's maximum
    await accepted(validInput({ termMonths: 1 }));
    await accepted(validInput({ termMonths: 360 }));
    await accepted(validInput({ purpose: 'p'.repeat(2000) }));
    await accepted(validInput({ documents: [1, 2, 3, 4, 5].map((i) => pdfDocument(`page-${i}.pdf`)) }));
    await accepted(validInput({ product: 'EQUIPMENT_FINANCING', documents: [document(JPEG_BYTES, 'image/jpeg')] }));
  });
});

describe('who may apply', () => {
  test.each([
    ['a CUSTOMER', () => customer],
    ['a BANKER', () => banker],
    ['a RISK_OFFICER', () => officer],
    ['an ADMIN', () => admin],
  ])('%s is FORBIDDEN and nothing is written', async (_who, user) => {
    await refused(validInput(), { code: 'FORBIDDEN' }, user().token);
  });

  test('an anonymous caller is UNAUTHENTICATED and nothing is written', async () => {
    await refused(validInput(), { code: 'UNAUTHENTICATED' }, null);
  });
});

describe('the banker', () => {
  test('an unknown id is NOT_FOUND on bankerId', async () => {
    await refused(validInput({ bankerId: '00000000-0000-4000-8000-000000000000' }), {
      code: 'NOT_FOUND',
      field: 'bankerId',
    });
  });

  test('a banker without a lending profile is NOT_FOUND on bankerId', async () => {
    await refused(validInput({ bankerId: bare.id }), { code: 'NOT_FOUND', field: 'bankerId' });
  });

  test('a user who is not a banker is NOT_FOUND on bankerId', async () => {
    await refused(validInput({ bankerId: customer.id }), { code: 'NOT_FOUND', field: 'bankerId' });
    await refused(validInput({ bankerId: officer.id }), { code: 'NOT_FOUND', field: 'bankerId' });
  });

  test('an id that is not a UUID is BAD_USER_INPUT on bankerId', async () => {
    await refused(validInput({ bankerId: 'bianca' }), { code: 'BAD_USER_INPUT', field: 'bankerId' });
  });

  test('a banker not taking new applications is refused on bankerId', async () => {
    await refused(validInput({ bankerId: away.id }), { code: 'BAD_USER_INPUT', field: 'bankerId' });
  });

  test('a product the banker does not offer is BAD_USER_INPUT on product', async () => {
    for (const product of ['SBA_LOAN', 'LINE_OF_CREDIT']) {
      await refused(validInput({ product }), { code: 'BAD_USER_INPUT', field: 'product' });
    }
  });

  test('an amount outside the banker’s range is BAD_USER_INPUT on amount, with the range', async () => {
    for (const amount of ['9999.99', '500000.01', '1.00', '100000000.00']) {
      const result = await refused(validInput({ amount }), { code: 'BAD_USER_INPUT', field: 'amount' });
      expect(result.errors![0]!.extensions).toMatchObject({ minAmount: '10000.00', maxAmount: '500000.00' });
    }
  });
});

describe('the application’s own fields', () => {
  test.each([
    ['zero', '0'],
    ['zero with decimals', '0.00'],
    ['negative', '-50000.00'],
    ['3 decimals', '50000.001'],
    ['3 decimals of zeros', '50000.000'],
  ])('an amount that is %s is BAD_USER_INPUT on amount', async (_what, amount) => {
    await refused(validInput({ amount }), { code: 'BAD_USER_INPUT', field: 'amount' });
  });

  test.each([0, -1, 361, 1000])('termMonths %i is BAD_USER_INPUT on termMonths', async (termMonths) => {
    await refused(validInput({ termMonths }), { code: 'BAD_USER_INPUT', field: 'termMonths' });
  });

  test('a term that is not a whole number is BAD_USER_INPUT about termMonths', async () => {
    const before = await lendingCounts(bank);
    const result = await submit(validInput({ termMonths: 12.5 }));
    expect(problemOf(result).code).toBe('BAD_USER_INPUT');
    // GraphQL's Int refuses it before lending sees it: the message names the input.
    expect(result.errors![0]!.message).toMatch(/termMonths/);
    expect(await lendingCounts(bank)).toEqual(before);
  });

  test.each([
    ['empty', ''],
    ['blank', '   \n  '],
    ['2,001 characters', 'p'.repeat(2001)],
    ['with a control character', 'an oven\u0000'],
  ])('a purpose that is %s is BAD_USER_INPUT on purpose', async (_what, purpose) => {
    await refused(validInput({ purpose }), { code: 'BAD_USER_INPUT', field: 'purpose' });
  });
});

describe('documents', () => {
  test('more than 5 is BAD_USER_INPUT on documents', async () => {
    const documents = [1, 2, 3, 4, 5, 6].map((i) => pdfDocument(`page-${i}.pdf`));
    await refused(validInput({ documents }), { code: 'BAD_USER_INPUT', field: 'documents' });
  });

  test.each([
    ['text/plain', document(Buffer.from('hello'), 'text/plain')],
    ['an upper-case type of its own', document(PDF_BYTES, 'application/x-pdf')],
    ['an empty type', document(PDF_BYTES, '')],
  ])('a content type %s is BAD_USER_INPUT on documents.<i>.contentType', async (_what, bad) => {
    await refused(validInput({ documents: [pdfDocument(), bad] }), {
      code: 'BAD_USER_INPUT',
      field: 'documents.1.contentType',
    });
  });

  test.each([
    ['PNG bytes declared as a PDF', document(PNG_BYTES, 'application/pdf')],
    ['PDF bytes declared as a PNG', document(PDF_BYTES, 'image/png')],
    ['JPEG bytes declared as a PNG', document(JPEG_BYTES, 'image/png')],
    ['text declared as a JPEG', document(Buffer.from('not a picture'), 'image/jpeg')],
    ['a truncated PDF signature', document(Buffer.from('%PD'), 'application/pdf')],
  ])('%s is BAD_USER_INPUT on documents.<i>.contentType', async (_what, bad) => {
    await refused(validInput({ documents: [pdfDocument(), pdfDocument(), bad] }), {
      code: 'BAD_USER_INPUT',
      field: 'documents.2.contentType',
    });
  });

  test.each([
    ['invalid base64', '!!!not base64!!!'],
    ['base64 of a wrong length', PDF_BYTES.toString('base64').slice(0, -1)],
    ['url-safe base64', Buffer.from([0xfb, 0xff, 0xfe, 0x25]).toString('base64url')],
    ['an empty file', ''],
  ])('%s is BAD_USER_INPUT on documents.<i>.contentBase64', async (_what, contentBase64) => {
    await refused(validInput({ documents: [{ ...pdfDocument(), contentBase64 }] }), {
      code: 'BAD_USER_INPUT',
      field: 'documents.0.contentBase64',
    });
  });

  test.each([
    ['empty', ''],
    ['201 characters', `${'f'.repeat(197)}.pdf`],
    ['a path', '../../etc/passwd.pdf'],
    ['a Windows path', 'C:\\scans\\doc.pdf'],
    ['a control character', 'doc\u0007.pdf'],
  ])('a file name that is %s is BAD_USER_INPUT on documents.<i>.fileName', async (_what, fileName) => {
    await refused(validInput({ documents: [pdfDocument(), pdfDocument(fileName)] }), {
      code: 'BAD_USER_INPUT',
      field: 'documents.1.fileName',
    });
  });

  // Lending's own size check: the request itself (about 2.8 MB of base64) is within the router's body limit.
  test('a document of 2 MiB + 1 byte is BAD_USER_INPUT on documents.<i>.contentBase64', async () => {
    await refused(validInput({ documents: [document(pdfOfSize(2 * MIB + 1), 'application/pdf', 'big.pdf')] }), {
      code: 'BAD_USER_INPUT',
      field: 'documents.0.contentBase64',
    });
  });

  test('a document of exactly 2 MiB is accepted', async () => {
    const result = await submit(
      validInput({ documents: [document(pdfOfSize(2 * MIB), 'application/pdf', 'two-mib.pdf')] }),
    );
    expect(result.errors).toBeUndefined();
    expect((result.data?.submitLoanApplication as { status: string } | undefined)?.status).toBe('SUBMITTED');
  });

  test('the largest application the SDL allows, five documents of 2 MiB, is accepted', async () => {
    const documents = [1, 2, 3, 4, 5].map((i) => document(pdfOfSize(2 * MIB), 'application/pdf', `part-${i}.pdf`));
    const id = await accepted(validInput({ documents }));
    const rows = await lendingSql<{ size: number; length: number }>(
      bank,
      'select size, length(ciphertext) as length from loan_documents where application_id = ?',
      [id],
    );
    expect(rows.map((r) => [Number(r.size), Number(r.length)])).toEqual(Array(5).fill([2 * MIB, 2 * MIB]));
  }, 30_000);

  test('one bad document among good ones refuses the whole application', async () => {
    const documents = [pdfDocument(), document(PNG_BYTES, 'image/png'), document(PNG_BYTES, 'image/jpeg')];
    await refused(validInput({ documents }), { code: 'BAD_USER_INPUT', field: 'documents.2.contentType' });
  });
});
