/**
 * Only the owner (or an ADMIN) sees an account, its transactions and
 * statements, through every path: root fields, nested fields, and
 * `_entities` called on the banking subgraph directly with a router-signed
 * header for another user.
 */
import {
  AccountDocument,
  AccountTransactionsDocument,
  CategorizeTransactionDocument,
  MyAccountsDocument,
  SetLowBalanceAlertDocument,
  SpendingSummaryDocument,
  StatementDocument,
  TagTransactionDocument,
  TransactionByIdDocument,
  TransferDocument,
} from './generated/operations.ts';
import {
  codeOf,
  firstError,
  key,
  ok,
  startBank,
  type BankHarness,
  type Party,
} from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
let alice: Party;
let bob: Party;
let mallory: Party;
let admin: Party;
let a1: string;
let a2: string;
let b1: string;
let m1: string;
/** alice's deposit into a1 */
let depositId: string;
/** alice a1 → bob b1 */
let transferId: string;

const MONTH = () => new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  mallory = await h.user('mallory');
  admin = await h.admin();
  a1 = await h.open(alice);
  a2 = await h.open(alice, 'EUR', 'SAVINGS');
  b1 = await h.open(bob);
  m1 = await h.open(mallory);
  depositId = await h.deposit(alice, a1, '200.00');
  transferId = ok(
    await h.request(
      TransferDocument,
      { input: { fromAccountId: a1, toAccountId: b1, amount: '25.00', idempotencyKey: key(), description: 'Gift' } },
      alice.token,
    ),
  ).transfer.id;
});
afterAll(async () => {
  await h?.close();
});

describe('root fields', () => {
  test('account(id) of another user is NOT_FOUND, exactly like an id that does not exist', async () => {
    const theirs = await h.request(AccountDocument, { id: a1 }, mallory.token);
    const none = await h.request(AccountDocument, { id: '00000000-0000-4000-8000-000000000000' }, mallory.token);
    expect(theirs.data?.account).toBeNull();
    expect(firstError(theirs)).toMatchObject({ message: firstError(none).message, extensions: { code: 'NOT_FOUND' } });
    expect(codeOf(none)).toBe('NOT_FOUND');
  });

  test('transaction(id) of another user is NOT_FOUND', async () => {
    for (const id of [depositId, transferId]) {
      const r = await h.request(TransactionByIdDocument, { id }, mallory.token);
      expect(codeOf(r)).toBe('NOT_FOUND');
      expect(r.data?.transaction ?? null).toBeNull();
    }
  });

  test('statements and transaction lists of another user are NOT_FOUND (through account(id))', async () => {
    const s = await h.request(StatementDocument, { id: a1, month: MONTH() }, mallory.token);
    expect(codeOf(s)).toBe('NOT_FOUND');
    expect(s.data?.account ?? null).toBeNull();
    const t = await h.request(AccountTransactionsDocument, { id: a1, first: 10 }, mallory.token);
    expect(codeOf(t)).toBe('NOT_FOUND');
  });

  test('the SYSTEM cash account is nobody’s to see, not even an ADMIN’s', async () => {
    const cash = await h.cashAccount('USD');
    expect(codeOf(await h.request(AccountDocument, { id: cash }, admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await h.request(AccountDocument, { id: cash }, alice.token))).toBe('NOT_FOUND');
  });

  test('anonymous: account(id) is UNAUTHENTICATED', async () => {
    const r = await h.request(AccountDocument, { id: a1 });
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
    expect(r.data?.account ?? null).toBeNull();
  });

  test('anonymous: transaction(id) is UNAUTHENTICATED (like account(id)), not NOT_FOUND', async () => {
    const r = await h.request(TransactionByIdDocument, { id: transferId });
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
    expect(r.data?.transaction ?? null).toBeNull();
  });

  test('anonymous: labelling and alerts are UNAUTHENTICATED', async () => {
    expect(codeOf(await h.request(CategorizeTransactionDocument, { id: transferId, category: 'TRAVEL' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(codeOf(await h.request(SetLowBalanceAlertDocument, { accountId: a1, threshold: '1.00' }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  test('anonymous: me is null, so no accounts leak', async () => {
    const r = await h.request(MyAccountsDocument, {});
    expect(r.data?.me ?? null).toBeNull();
  });
});

describe('nested fields', () => {
  test('me { accounts } lists exactly my own accounts, oldest first', async () => {
    const mine = ok(await h.request(MyAccountsDocument, {}, alice.token)).me;
    expect(mine?.accounts.map((acc) => acc.id)).toEqual([a1, a2]);
    const theirs = ok(await h.request(MyAccountsDocument, {}, bob.token)).me;
    expect(theirs?.accounts.map((acc) => acc.id)).toEqual([b1]);
  });

  test("the sender sees the transfer with toAccount null (the receiver's account is not theirs)", async () => {
    const sent = ok(await h.request(TransactionByIdDocument, { id: transferId }, alice.token)).transaction;
    expect(sent).toMatchObject({ fromAccount: { id: a1 }, toAccount: null, signedAmount: { amount: '-25.00' } });
  });

  test('the receiver sees it with fromAccount null, from their own side', async () => {
    const received = ok(await h.request(TransactionByIdDocument, { id: transferId }, bob.token)).transaction;
    expect(received).toMatchObject({ fromAccount: null, toAccount: { id: b1 }, signedAmount: { amount: '25.00' } });
    const history = ok(await h.request(AccountTransactionsDocument, { id: b1, first: 10 }, bob.token)).account;
    expect(history?.transactions.edges.map((e) => [e.node.id, e.node.fromAccount, e.node.toAccount])).toEqual([
      [transferId, null, { id: b1 }],
    ]);
  });

  test('a deposit shows no source account (the SYSTEM cash account is never exposed)', async () => {
    const dep = ok(await h.request(TransactionByIdDocument, { id: depositId }, alice.token)).transaction;
    expect(dep).toMatchObject({ kind: 'DEPOSIT', fromAccount: null, toAccount: { id: a1 } });
  });
});

describe('mutations on what is not yours', () => {
  test('labelling another user’s transaction is NOT_FOUND and changes nothing', async () => {
    const before = await h.snapshot();
    expect(
      codeOf(await h.request(CategorizeTransactionDocument, { id: transferId, category: 'TRAVEL' }, mallory.token)),
    ).toBe('NOT_FOUND');
    expect(codeOf(await h.request(TagTransactionDocument, { id: transferId, tags: ['x'] }, mallory.token))).toBe(
      'NOT_FOUND',
    );
    expect(await h.snapshot()).toEqual(before);
    const [row] = await h.sql<{ n: number }>(
      `select count(*)::int as n from entries where transaction_id = ? and (category = 'TRAVEL' or tags <> '{}')`,
      [transferId],
    );
    expect(row?.n).toBe(0);
  });

  test('an ADMIN may read a transaction but not label it (no side of it is theirs): FORBIDDEN', async () => {
    const before = await h.snapshot();
    expect(
      codeOf(await h.request(CategorizeTransactionDocument, { id: transferId, category: 'TRAVEL' }, admin.token)),
    ).toBe('FORBIDDEN');
    expect(await h.snapshot()).toEqual(before);
  });

  test('setting the low-balance alert of another user’s account is NOT_FOUND', async () => {
    const before = await h.snapshot();
    expect(
      codeOf(await h.request(SetLowBalanceAlertDocument, { accountId: a1, threshold: '1.00' }, mallory.token)),
    ).toBe('NOT_FOUND');
    expect(await h.snapshot()).toEqual(before);
  });

  test('moving money out of another user’s account is NOT_FOUND', async () => {
    const before = await h.snapshot();
    const r = await h.request(
      TransferDocument,
      { input: { fromAccountId: a1, toAccountId: m1, amount: '1.00', idempotencyKey: key() } },
      mallory.token,
    );
    expect(codeOf(r)).toBe('NOT_FOUND');
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('ADMIN', () => {
  test('sees any account, its transactions and its statement', async () => {
    const account = ok(await h.request(AccountDocument, { id: a1 }, admin.token)).account;
    expect(account).toMatchObject({ id: a1, balance: { amount: '175.00', currency: 'USD' } });
    const history = ok(await h.request(AccountTransactionsDocument, { id: a1, first: 10 }, admin.token)).account;
    expect(history?.transactions.edges.map((e) => e.node.id)).toEqual([transferId, depositId]);
    const statement = ok(await h.request(StatementDocument, { id: a1, month: MONTH() }, admin.token)).account
      ?.statement;
    expect(statement?.closingBalance.amount).toBe('175.00');
  });

  test('sees any transaction, with both accounts, and no side of their own', async () => {
    const tx = ok(await h.request(TransactionByIdDocument, { id: transferId }, admin.token)).transaction;
    expect(tx).toMatchObject({ id: transferId, fromAccount: { id: a1 }, toAccount: { id: b1 }, signedAmount: null });
  });
});

describe('_entities on the banking subgraph, called directly with a router-signed header', () => {
  const ENTITIES = `query E($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Account { id balance { amount } }
      ... on Transaction { id amount { amount } }
    }
  }`;
  const USER_ACCOUNTS = `query U($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on User { id accounts { id } } }
  }`;
  const USER_SPENDING = `query S($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User { id spendingSummary(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { byMonth { month } } }
    }
  }`;
  const ACCOUNT_STATEMENT = `query A($representations: [_Any!]!, $month: String!) {
    _entities(representations: $representations) { ... on Account { id statement(month: $month) { closingBalance { amount } } } }
  }`;

  type Entities = { _entities: ({ id: string } | null)[] };

  test('Account and Transaction of another user resolve to null', async () => {
    const r = await h.asRouter<Entities>(
      ENTITIES,
      {
        representations: [
          { __typename: 'Account', id: a1 },
          { __typename: 'Transaction', id: transferId },
          { __typename: 'Transaction', id: depositId },
        ],
      },
      mallory.caller,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([null, null, null]);
  });

  test('the same representations resolve for the owner (the query is not simply broken)', async () => {
    const r = await h.asRouter<Entities>(
      ENTITIES,
      {
        representations: [
          { __typename: 'Account', id: a1 },
          { __typename: 'Transaction', id: transferId },
        ],
      },
      alice.caller,
    );
    expect(r.data?._entities).toEqual([
      { id: a1, balance: { amount: '175.00' } },
      { id: transferId, amount: { amount: '25.00' } },
    ]);
  });

  test('an account statement through _entities is not reachable for another user', async () => {
    const r = await h.asRouter<Entities>(
      ACCOUNT_STATEMENT,
      { representations: [{ __typename: 'Account', id: a1 }], month: MONTH() },
      mallory.caller,
    );
    expect(r.data?._entities).toEqual([null]);
  });

  test('User { accounts } of another user is FORBIDDEN', async () => {
    const r = await h.asRouter<Entities>(
      USER_ACCOUNTS,
      { representations: [{ __typename: 'User', id: alice.id }] },
      mallory.caller,
    );
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.data?._entities).toEqual([null]);
  });

  test('User { spendingSummary } of another user is FORBIDDEN', async () => {
    const r = await h.asRouter<Entities>(
      USER_SPENDING,
      { representations: [{ __typename: 'User', id: alice.id }] },
      mallory.caller,
    );
    expect(codeOf(r)).toBe('FORBIDDEN');
  });

  test('User { accounts } of oneself, and of anyone for an ADMIN, lists the accounts', async () => {
    const self = await h.asRouter<{ _entities: { id: string; accounts: { id: string }[] }[] }>(
      USER_ACCOUNTS,
      { representations: [{ __typename: 'User', id: alice.id }] },
      alice.caller,
    );
    expect(self.data?._entities[0]?.accounts.map((acc) => acc.id)).toEqual([a1, a2]);
    const byAdmin = await h.asRouter<{ _entities: { id: string; accounts: { id: string }[] }[] }>(
      USER_ACCOUNTS,
      { representations: [{ __typename: 'User', id: bob.id }] },
      admin.caller,
    );
    expect(byAdmin.data?._entities[0]?.accounts.map((acc) => acc.id)).toEqual([b1]);
  });

  test('anonymous (router-signed, no user): Account and Transaction resolve to null, User { accounts } is refused', async () => {
    const r = await h.asRouter<Entities>(
      ENTITIES,
      {
        representations: [
          { __typename: 'Account', id: a1 },
          { __typename: 'Transaction', id: transferId },
        ],
      },
      { kind: 'anonymous' },
    );
    expect(r.data?._entities).toEqual([null, null]);
    const u = await h.asRouter<Entities>(
      USER_ACCOUNTS,
      { representations: [{ __typename: 'User', id: alice.id }] },
      {
        kind: 'anonymous',
      },
    );
    expect(codeOf(u)).toBe('UNAUTHENTICATED');
  });

  test('without a router signature, _entities is not answered at all', async () => {
    const r = await h.direct(ENTITIES, { representations: [{ __typename: 'Account', id: a1 }] }, undefined);
    expect(r.status).toBe(401);
    expect(codeOf(r.body)).toBe('UNAUTHENTICATED');
    expect(r.body.data ?? null).toBeNull();
  });
});

test('spending summary through the router is one’s own (me)', async () => {
  const r = ok(
    await h.request(SpendingSummaryDocument, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }, bob.token),
  ).me;
  // bob only received money: he spent nothing.
  expect(r?.spendingSummary).toEqual({ byCategory: [], byMonth: [] });
});
