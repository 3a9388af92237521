/**
 * Who sees what in lending, on every path: the work queues
 * (`loanApplications`), an owner's own applications (`me`), one application,
 * one loan, one document (decrypted only for those who may read it, and
 * never when the stored ciphertext was altered), and the `_entities`
 * references the router resolves.
 */
import type { Caller, Role } from '../platform/caller.ts';
import {
  applicationIn,
  bankerWithProfile,
  businessOwner,
  lendingSql,
  openAccount,
  pdfDocument,
  PDF_BYTES,
  problemOf,
  submitApplication,
} from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { callSubgraph, postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
let owner: SignedUp;
let otherOwner: SignedUp;
let banker: SignedUp;
let otherBanker: SignedUp;
let officer: SignedUp;
let admin: SignedUp;
let customer: SignedUp;

/** The roles of each person, for callers of `_entities`. */
const roles = new Map<SignedUp, Role[]>();
const callerOf = (user: SignedUp): Caller => ({ kind: 'user', userId: user.id, roles: roles.get(user)! });

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<JsonResponse> =>
  postGraphQL(url, query, variables, token);

// Applications, in the order they were submitted.
let disbursed: string; // owner → banker, paid out: it has a loan and a document
let loanId: string;
let documentId: string;
let q1: string; // owner → banker, SUBMITTED
let q2: string; // owner → banker, COMMERCIAL_REVIEW
let q3: string; // owner → banker, RISK_REVIEW
let q4: string; // owner → banker, REJECTED
let q5: string; // otherOwner → banker, RISK_REVIEW
let q6: string; // otherOwner → otherBanker, SUBMITTED
let q7: string; // otherOwner → otherBanker, RISK_REVIEW

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  [owner, otherOwner, banker, otherBanker, officer, admin, customer] = await Promise.all([
    businessOwner(url, 'olga'),
    businessOwner(url, 'oscar'),
    bankerWithProfile(url, 'bianca'),
    bankerWithProfile(url, 'boris'),
    createStaff(url, 'rita', 'RISK_OFFICER'),
    signInAdmin(url),
    signUp(url, 'cyril', 'CUSTOMER'),
  ]);
  roles.set(owner, ['BUSINESS_OWNER']).set(otherOwner, ['BUSINESS_OWNER']);
  roles.set(banker, ['BANKER']).set(otherBanker, ['BANKER']);
  roles.set(officer, ['RISK_OFFICER']).set(admin, ['ADMIN']).set(customer, ['CUSTOMER']);

  const account = await openAccount(url, owner);
  const mine = { owner, banker, officer, account };
  const theirs = { owner: otherOwner, banker, officer };
  const elsewhere = { owner: otherOwner, banker: otherBanker, officer };
  // One at a time: the queues are ordered by submission.
  disbursed = await applicationIn(url, 'DISBURSED', mine);
  q1 = await applicationIn(url, 'SUBMITTED', mine);
  q2 = await applicationIn(url, 'COMMERCIAL_REVIEW', mine);
  q3 = await applicationIn(url, 'RISK_REVIEW', mine);
  q4 = await applicationIn(url, 'REJECTED', mine);
  q5 = await applicationIn(url, 'RISK_REVIEW', theirs);
  q6 = await applicationIn(url, 'SUBMITTED', elsewhere);
  q7 = await applicationIn(url, 'RISK_REVIEW', elsewhere);

  const { loanApplication } = await must<{ loanApplication: { loan: { id: string }; documents: { id: string }[] } }>(
    url,
    `query($id: ID!) { loanApplication(id: $id) { loan { id } documents { id } } }`,
    { id: disbursed },
    owner.token,
  );
  loanId = loanApplication.loan.id;
  documentId = loanApplication.documents[0]!.id;
}, 60_000);

afterAll(async () => {
  await bank?.close();
});

const QUEUE = `query($filter: LoanApplicationFilter, $first: Int, $after: String) {
  loanApplications(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id status } } pageInfo { hasNextPage endCursor }
  }
}`;
interface Queue {
  loanApplications: {
    edges: { cursor: string; node: { id: string; status: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const queue = async (user: SignedUp, variables: Record<string, unknown> = {}): Promise<string[]> =>
  (await must<Queue>(url, QUEUE, { first: 100, ...variables }, user.token)).loanApplications.edges.map(
    (e) => e.node.id,
  );

describe('work queues (loanApplications)', () => {
  test('a banker sees the applications assigned to them, in any status, newest first', async () => {
    expect(await queue(banker)).toEqual([q5, q4, q3, q2, q1, disbursed]);
    expect(await queue(otherBanker)).toEqual([q7, q6]);
  });

  test('a banker may narrow their queue by status', async () => {
    expect(await queue(banker, { filter: { status: 'RISK_REVIEW' } })).toEqual([q5, q3]);
    expect(await queue(banker, { filter: { status: 'DISBURSED' } })).toEqual([disbursed]);
    expect(await queue(banker, { filter: { status: 'WITHDRAWN' } })).toEqual([]);
    expect(await queue(otherBanker, { filter: { status: 'REJECTED' } })).toEqual([]);
    expect(await queue(banker, { filter: {} })).toEqual([q5, q4, q3, q2, q1, disbursed]);
  });

  test('a risk officer sees every application in RISK_REVIEW by default, or those of `status`', async () => {
    expect(await queue(officer)).toEqual([q7, q5, q3]);
    expect(await queue(officer, { filter: { status: 'SUBMITTED' } })).toEqual([q6, q1]);
    expect(await queue(officer, { filter: { status: 'REJECTED' } })).toEqual([q4]);
  });

  test('an ADMIN sees every application', async () => {
    const all = await lendingSql<{ id: string }>(bank, 'select id from loan_applications order by seq desc');
    expect(await queue(admin)).toEqual(all.map((r) => r.id));
    expect(await queue(admin)).toEqual([q7, q6, q5, q4, q3, q2, q1, disbursed]);
    expect(await queue(admin, { filter: { status: 'SUBMITTED' } })).toEqual([q6, q1]);
  });

  test('business owners and customers are FORBIDDEN; anonymous callers UNAUTHENTICATED', async () => {
    for (const who of [owner, otherOwner, customer]) {
      const result = await gql(QUEUE, {}, who.token);
      expect(problemOf(result).code).toBe('FORBIDDEN');
      expect(result.data?.loanApplications ?? null).toBeNull();
    }
    expect(problemOf(await gql(QUEUE)).code).toBe('UNAUTHENTICATED');
  });

  test('pages: every application once, in order, with a stable end', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { loanApplications: page } = await must<Queue>(url, QUEUE, { first: 2, after }, banker.token);
      seen.push(...page.edges.map((e) => e.node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual([q5, q4, q3, q2, q1, disbursed]);

    const filtered: string[] = [];
    const first = await must<Queue>(url, QUEUE, { first: 1, filter: { status: 'RISK_REVIEW' } }, officer.token);
    filtered.push(...first.loanApplications.edges.map((e) => e.node.id));
    const rest = await must<Queue>(
      url,
      QUEUE,
      { first: 100, after: first.loanApplications.pageInfo.endCursor, filter: { status: 'RISK_REVIEW' } },
      officer.token,
    );
    filtered.push(...rest.loanApplications.edges.map((e) => e.node.id));
    expect(filtered).toEqual([q7, q5, q3]);
    expect(rest.loanApplications.pageInfo).toEqual({
      hasNextPage: false,
      endCursor: rest.loanApplications.edges.at(-1)!.cursor,
    });
  });

  test('a bad cursor or page size is BAD_USER_INPUT', async () => {
    const foreign = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of ['garbage', foreign([0, banker.id]), foreign(['1']), foreign([-1])]) {
      expect(problemOf(await gql(QUEUE, { after }, banker.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    for (const first of [0, -5, 101]) {
      expect(problemOf(await gql(QUEUE, { first }, banker.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });
});

describe("an owner's own applications (User.loanApplications)", () => {
  const MINE = `query($first: Int, $after: String) {
    me { loanApplications(first: $first, after: $after) { edges { node { id applicant { id } } } pageInfo { hasNextPage endCursor } } }
  }`;
  interface Mine {
    me: {
      loanApplications: {
        edges: { node: { id: string; applicant: { id: string } } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
  }

  test('`me` shows the owner their own applications only, newest first', async () => {
    const mine = await must<Mine>(url, MINE, {}, owner.token);
    expect(mine.me.loanApplications.edges.map((e) => e.node.id)).toEqual([q4, q3, q2, q1, disbursed]);
    expect(new Set(mine.me.loanApplications.edges.map((e) => e.node.applicant.id))).toEqual(new Set([owner.id]));
    const theirs = await must<Mine>(url, MINE, {}, otherOwner.token);
    expect(theirs.me.loanApplications.edges.map((e) => e.node.id)).toEqual([q7, q6, q5]);
    for (const who of [banker, customer]) {
      expect((await must<Mine>(url, MINE, {}, who.token)).me.loanApplications.edges).toEqual([]);
    }
  });

  test('`me` pages', async () => {
    const page1 = await must<Mine>(url, MINE, { first: 3 }, owner.token);
    expect(page1.me.loanApplications.pageInfo.hasNextPage).toBe(true);
    const page2 = await must<Mine>(
      url,
      MINE,
      { first: 3, after: page1.me.loanApplications.pageInfo.endCursor },
      owner.token,
    );
    expect(page2.me.loanApplications.pageInfo.hasNextPage).toBe(false);
    expect([...page1.me.loanApplications.edges, ...page2.me.loanApplications.edges].map((e) => e.node.id)).toEqual([
      q4,
      q3,
      q2,
      q1,
      disbursed,
    ]);
  });

  const USER_APPLICATIONS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { loanApplications { edges { node { id } } } } } }`;
  const USER_LOANS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { loans { id } } } }`;
  const ofOwner = () => ({ r: [{ __typename: 'User', id: owner.id }] });

  test('another user’s applications through _entities are FORBIDDEN to non-staff, the assigned banker included', async () => {
    for (const who of [otherOwner, banker, otherBanker, customer]) {
      const result = await callSubgraph(bank, 'lending', callerOf(who), USER_APPLICATIONS, ofOwner());
      expect(problemOf(result).code).toBe('FORBIDDEN');
      expect(JSON.stringify(result.data ?? null)).not.toContain(q1);
    }
    for (const who of [owner, officer, admin]) {
      const result = await callSubgraph(bank, 'lending', callerOf(who), USER_APPLICATIONS, ofOwner());
      expect(result.errors).toBeUndefined();
      const [user] = result.data!._entities as { loanApplications: { edges: { node: { id: string } }[] } }[];
      expect(user!.loanApplications.edges.map((e) => e.node.id)).toEqual([q4, q3, q2, q1, disbursed]);
    }
  });

  test('another user’s loans through _entities are FORBIDDEN to non-staff', async () => {
    for (const who of [otherOwner, banker, otherBanker, customer]) {
      const result = await callSubgraph(bank, 'lending', callerOf(who), USER_LOANS, ofOwner());
      expect(problemOf(result).code).toBe('FORBIDDEN');
      expect(JSON.stringify(result.data ?? null)).not.toContain(loanId);
    }
    for (const who of [owner, admin]) {
      const result = await callSubgraph(bank, 'lending', callerOf(who), USER_LOANS, ofOwner());
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities).toEqual([{ loans: [{ id: loanId }] }]);
    }
  });

  test('through the router, a banker cannot read their applicant’s other applications', async () => {
    const result = await gql(
      `query($id: ID!) { loanApplication(id: $id) { id applicant { id loanApplications { edges { node { id } } } } } }`,
      { id: q1 },
      banker.token,
    );
    expect(problemOf(result).code).toBe('FORBIDDEN');
    expect(JSON.stringify(result.data ?? null)).not.toContain(disbursed);
  });
});

describe('one application, one loan', () => {
  const APPLICATION = `query($id: ID!) { loanApplication(id: $id) { id status purpose } }`;
  const LOAN = `query($id: ID!) { loan(id: $id) { id status application { id } borrower { id } } }`;
  const allowed = () => [owner, banker, officer, admin];
  const refused = () => [otherOwner, otherBanker, customer];

  test('loanApplication(id): visible to the applicant, the assigned banker, risk officers and ADMINs', async () => {
    for (const who of allowed()) {
      const result = await gql(APPLICATION, { id: q2 }, who.token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.loanApplication).toEqual({ id: q2, status: 'COMMERCIAL_REVIEW', purpose: 'A second oven' });
    }
  });

  test('loanApplication(id): NOT_FOUND for another owner, another banker and a customer (as for an unknown id)', async () => {
    for (const who of refused()) {
      const result = await gql(APPLICATION, { id: q2 }, who.token);
      expect(problemOf(result)).toEqual({ code: 'NOT_FOUND', field: 'id' });
      expect(result.data?.loanApplication ?? null).toBeNull();
    }
    const unknown = await gql(APPLICATION, { id: '00000000-0000-4000-8000-000000000000' }, admin.token);
    expect(problemOf(unknown)).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(problemOf(await gql(APPLICATION, { id: 'q2' }, admin.token))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(problemOf(await gql(APPLICATION, { id: q2 })).code).toBe('UNAUTHENTICATED');
  });

  test('loan(id): visible to the borrower, the application’s banker, risk officers and ADMINs', async () => {
    for (const who of allowed()) {
      const result = await gql(LOAN, { id: loanId }, who.token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.loan).toEqual({
        id: loanId,
        status: 'ACTIVE',
        application: { id: disbursed },
        borrower: { id: owner.id },
      });
    }
  });

  test('loan(id): NOT_FOUND for another owner, another banker and a customer', async () => {
    for (const who of refused()) {
      const result = await gql(LOAN, { id: loanId }, who.token);
      expect(problemOf(result)).toEqual({ code: 'NOT_FOUND', field: 'id' });
      expect(result.data?.loan ?? null).toBeNull();
    }
    expect(problemOf(await gql(LOAN, { id: disbursed }, admin.token))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(problemOf(await gql(LOAN, { id: loanId })).code).toBe('UNAUTHENTICATED');
  });

  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on LoanApplication { id status }
    ... on Loan { id loanStatus: status }
  } }`;

  test('_entities: LoanApplication and Loan references resolve for those who may see them', async () => {
    const r = [
      { __typename: 'LoanApplication', id: disbursed },
      { __typename: 'LoanApplication', id: q7 },
      { __typename: 'Loan', id: loanId },
    ];
    const seen = async (who: SignedUp) => {
      const result = await callSubgraph(bank, 'lending', callerOf(who), ENTITIES, { r });
      expect(result.errors).toBeUndefined();
      return result.data!._entities;
    };
    const all = [
      { id: disbursed, status: 'DISBURSED' },
      { id: q7, status: 'RISK_REVIEW' },
      { id: loanId, loanStatus: 'ACTIVE' },
    ];
    expect(await seen(owner)).toEqual([all[0], null, all[2]]);
    expect(await seen(banker)).toEqual([all[0], null, all[2]]);
    expect(await seen(otherOwner)).toEqual([null, all[1], null]);
    expect(await seen(otherBanker)).toEqual([null, all[1], null]);
    expect(await seen(customer)).toEqual([null, null, null]);
    expect(await seen(officer)).toEqual(all);
    expect(await seen(admin)).toEqual(all);
  });

  test('_entities: an anonymous caller, an unknown or a malformed id resolve to null', async () => {
    const r = [
      { __typename: 'LoanApplication', id: disbursed },
      { __typename: 'Loan', id: loanId },
    ];
    const anonymous = await callSubgraph(bank, 'lending', { kind: 'anonymous' }, ENTITIES, { r });
    expect(JSON.stringify(anonymous.data ?? null)).not.toContain('DISBURSED');
    expect(JSON.stringify(anonymous.data ?? null)).not.toContain('ACTIVE');
    const odd = await callSubgraph(bank, 'lending', callerOf(admin), ENTITIES, {
      r: [
        { __typename: 'LoanApplication', id: '00000000-0000-4000-8000-000000000000' },
        { __typename: 'LoanApplication', id: 'not-an-id' },
        { __typename: 'Loan', id: disbursed },
      ],
    });
    expect(odd.data?._entities).toEqual([null, null, null]);
  });
});

describe('documents', () => {
  const DOCUMENT = `query($id: ID!) { loanDocument(id: $id) { contentBase64 document { id fileName contentType size } } }`;

  test('the applicant, the assigned banker, risk officers and ADMINs read the contents', async () => {
    for (const who of [owner, banker, officer, admin]) {
      const result = await gql(DOCUMENT, { id: documentId }, who.token);
      expect(result.errors).toBeUndefined();
      const content = result.data?.loanDocument as { contentBase64: string; document: Record<string, unknown> };
      expect(Buffer.from(content.contentBase64, 'base64').equals(PDF_BYTES)).toBe(true);
      expect(content.document).toEqual({
        id: documentId,
        fileName: 'balance-sheet.pdf',
        contentType: 'application/pdf',
        size: PDF_BYTES.length,
      });
    }
  });

  test('everyone else is NOT_FOUND, as for an unknown document', async () => {
    for (const who of [otherOwner, otherBanker, customer]) {
      const result = await gql(DOCUMENT, { id: documentId }, who.token);
      expect(problemOf(result)).toEqual({ code: 'NOT_FOUND', field: 'id' });
      expect(JSON.stringify(result)).not.toContain(PDF_BYTES.toString('base64').slice(0, 12));
    }
    const unknown = await gql(DOCUMENT, { id: '00000000-0000-4000-8000-000000000000' }, admin.token);
    expect(problemOf(unknown)).toEqual({ code: 'NOT_FOUND', field: 'id' });
    // An application id is not a document id.
    expect(problemOf(await gql(DOCUMENT, { id: disbursed }, admin.token))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(problemOf(await gql(DOCUMENT, { id: 'doc-1' }, admin.token))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(problemOf(await gql(DOCUMENT, { id: documentId })).code).toBe('UNAUTHENTICATED');
  });

  test('the database holds ciphertext only, under a fresh IV per document', async () => {
    const id = await submitApplication(url, owner, banker, { documents: [pdfDocument('a.pdf'), pdfDocument('b.pdf')] });
    const rows = await lendingSql<{ ciphertext: Buffer; iv: Buffer; auth_tag: Buffer; key_id: string }>(
      bank,
      'select ciphertext, iv, auth_tag, key_id from loan_documents where application_id = ?',
      [id],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.ciphertext.equals(PDF_BYTES)).toBe(false);
      expect(row.ciphertext.includes(Buffer.from('%PDF'))).toBe(false);
      expect(row.ciphertext.includes(Buffer.from('Catalog'))).toBe(false);
      expect(row.iv.length).toBe(12);
      expect(row.auth_tag.length).toBe(16);
    }
    // The same file twice: different IVs, different ciphertexts.
    expect(rows[0]!.iv.equals(rows[1]!.iv)).toBe(false);
    expect(rows[0]!.ciphertext.equals(rows[1]!.ciphertext)).toBe(false);
  });

  /** A new application with one document; returns the document's id. */
  async function freshDocument(): Promise<string> {
    const id = await submitApplication(url, owner, banker);
    const [row] = await lendingSql<{ id: string }>(bank, 'select id from loan_documents where application_id = ?', [
      id,
    ]);
    return row!.id;
  }

  async function expectUnreadable(id: string): Promise<void> {
    const result = await gql(DOCUMENT, { id }, owner.token);
    expect(problemOf(result).code).toBe('INTERNAL_SERVER_ERROR');
    expect(result.data?.loanDocument ?? null).toBeNull();
    const body = JSON.stringify(result);
    expect(body).not.toContain(PDF_BYTES.toString('base64').slice(0, 12));
    expect(body).not.toContain('%PDF');
  }

  test('a changed byte of the stored ciphertext makes reading fail (INTERNAL_SERVER_ERROR), never returning altered data', async () => {
    const id = await freshDocument();
    await lendingSql(
      bank,
      'update loan_documents set ciphertext = set_byte(ciphertext, 5, get_byte(ciphertext, 5) # 1) where id = ?',
      [id],
    );
    await expectUnreadable(id);
  });

  test('an altered authentication tag or IV makes reading fail too', async () => {
    const tag = await freshDocument();
    await lendingSql(
      bank,
      'update loan_documents set auth_tag = set_byte(auth_tag, 0, get_byte(auth_tag, 0) # 128) where id = ?',
      [tag],
    );
    await expectUnreadable(tag);
    const iv = await freshDocument();
    await lendingSql(bank, 'update loan_documents set iv = set_byte(iv, 11, get_byte(iv, 11) # 1) where id = ?', [iv]);
    await expectUnreadable(iv);
  });

  test('a ciphertext copied to another document’s row does not decrypt (the id is authenticated)', async () => {
    const source = await freshDocument();
    const target = await freshDocument();
    await lendingSql(
      bank,
      `update loan_documents t set ciphertext = s.ciphertext, iv = s.iv, auth_tag = s.auth_tag
         from loan_documents s where s.id = ? and t.id = ?`,
      [source, target],
    );
    await expectUnreadable(target);
    // The source itself still reads.
    const result = await gql(DOCUMENT, { id: source }, owner.token);
    expect(result.errors).toBeUndefined();
  });
});
