/**
 * Account history: newest first, keyset pagination with first/after giving
 * disjoint and complete pages (also while transfers are being inserted),
 * filters; and labels: each side of a transaction has its own category and
 * tags, set only by that side's owner.
 */
import {
  AccountTransactionsDocument,
  CategorizeTransactionDocument,
  DepositDocument,
  TagTransactionDocument,
  TransactionByIdDocument,
  TransferDocument,
  WithdrawDocument,
  type AccountTransactionsQuery,
  type TransactionFilter,
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

type Node = NonNullable<AccountTransactionsQuery['account']>['transactions']['edges'][number]['node'];

let h: BankHarness;
let alice: Party;
let bob: Party;
let a: string;
let b: string;

/** What the workload below did, oldest first, from alice's account's point of view. */
const made: { id: string; kind: string; category: string; minor: bigint; createdAt: string }[] = [];

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  a = await h.open(alice);
  b = await h.open(bob);
  const plan: [
    kind: 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER',
    amount: string,
    description: string | null,
    category: string,
  ][] = [
    ['DEPOSIT', '1000.00', 'Salary', 'INCOME'],
    ['TRANSFER', '12.50', 'Pizza dinner', 'DINING'],
    ['TRANSFER', '80.00', 'Weekly groceries', 'GROCERIES'],
    ['WITHDRAWAL', '40.00', null, 'CASH'],
    ['TRANSFER', '9.99', 'Uber ride', 'TRANSPORT'],
    ['TRANSFER', '500.00', 'Rent', 'HOUSING'],
    ['DEPOSIT', '0.01', null, 'INCOME'],
    ['TRANSFER', '3.00', null, 'TRANSFER'],
    ['WITHDRAWAL', '20.00', 'ATM', 'CASH'],
    ['TRANSFER', '15.00', 'Cinema', 'ENTERTAINMENT'],
    ['TRANSFER', '10.00', 'Coffee', 'DINING'],
    ['DEPOSIT', '250.00', 'Refund', 'INCOME'],
    ['TRANSFER', '50.00', 'Pharmacy', 'HEALTH'],
    ['TRANSFER', '10.00', 'Lunch', 'DINING'],
    ['WITHDRAWAL', '10.00', null, 'CASH'],
    ['TRANSFER', '1.00', null, 'TRANSFER'],
    ['TRANSFER', '2.00', null, 'TRANSFER'],
    ['DEPOSIT', '5.00', null, 'INCOME'],
    ['TRANSFER', '4.00', 'Bus', 'TRANSPORT'],
    ['TRANSFER', '6.00', 'Hotel', 'TRAVEL'],
    ['WITHDRAWAL', '1.00', null, 'CASH'],
    ['TRANSFER', '7.00', 'Burger', 'DINING'],
    ['TRANSFER', '8.00', null, 'TRANSFER'],
    ['DEPOSIT', '9.00', null, 'INCOME'],
    ['TRANSFER', '11.00', 'Amazon', 'SHOPPING'],
  ];
  for (const [kind, amount, description, category] of plan) {
    const extra = description === null ? {} : { description };
    let tx: Node;
    if (kind === 'DEPOSIT') {
      tx = ok(
        await h.request(
          DepositDocument,
          { input: { accountId: a, amount, idempotencyKey: key(), ...extra } },
          alice.token,
        ),
      ).deposit;
    } else if (kind === 'WITHDRAWAL') {
      tx = ok(
        await h.request(
          WithdrawDocument,
          { input: { accountId: a, amount, idempotencyKey: key(), ...extra } },
          alice.token,
        ),
      ).withdraw;
    } else {
      tx = ok(
        await h.request(
          TransferDocument,
          { input: { fromAccountId: a, toAccountId: b, amount, idempotencyKey: key(), ...extra } },
          alice.token,
        ),
      ).transfer;
    }
    expect(tx.category).toBe(category);
    const [whole = '0', fraction = '00'] = amount.split('.');
    made.push({ id: tx.id, kind, category, minor: BigInt(whole) * 100n + BigInt(fraction), createdAt: tx.createdAt });
  }
});
afterAll(async () => {
  await h?.close();
});

async function page(account: string, party: Party, first: number, after?: string | null, filter?: TransactionFilter) {
  const r = await h.request(
    AccountTransactionsDocument,
    { id: account, first, after: after ?? null, filter: filter ?? null },
    party.token,
  );
  return ok(r).account?.transactions ?? { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
}

/** Every page of a listing, as ids per page. */
async function walk(account: string, party: Party, first: number, filter?: TransactionFilter): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i += 1) {
    const p = await page(account, party, first, after, filter);
    pages.push(p.edges.map((e) => e.node.id));
    expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
    if (!p.pageInfo.hasNextPage) return pages;
    after = p.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

const newestFirst = (rows: typeof made) => [...rows].reverse().map((r) => r.id);

describe('pagination', () => {
  test('newest first; pages of 7 are disjoint and together complete', async () => {
    const pages = await walk(a, alice, 7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(newestFirst(made));
  });

  test('the order is the order of creation, as the database recorded it', async () => {
    const rows = await h.sql<{ id: string }>(
      'select id from transactions where from_account_id = ? or to_account_id = ? order by seq desc',
      [a, a],
    );
    expect((await walk(a, alice, 100)).flat()).toEqual(rows.map((r) => r.id));
  });

  test('hasNextPage is exact at the boundary; the default page is 20', async () => {
    expect((await page(a, alice, 25)).pageInfo.hasNextPage).toBe(false);
    expect((await page(a, alice, 24)).pageInfo.hasNextPage).toBe(true);
    const r = ok(await h.request(AccountTransactionsDocument, { id: a }, alice.token));
    expect(r.account?.transactions.edges).toHaveLength(20);
  });

  test('the receiving side has its own history: only what touched it', async () => {
    const transfers = made.filter((m) => m.kind === 'TRANSFER');
    expect((await walk(b, bob, 6)).flat()).toEqual(newestFirst(transfers));
  });

  test('after a page is read, new transfers do not shift the following pages: no duplicates, nothing skipped', async () => {
    const first = await page(a, alice, 5);
    const seen = first.edges.map((e) => e.node.id);
    const inserted: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const t = ok(
        await h.request(
          TransferDocument,
          { input: { fromAccountId: a, toAccountId: b, amount: '0.10', idempotencyKey: key() } },
          alice.token,
        ),
      ).transfer;
      inserted.push(t.id);
    }
    let after = first.pageInfo.endCursor;
    const rest: string[] = [];
    for (;;) {
      const p = await page(a, alice, 5, after);
      rest.push(...p.edges.map((e) => e.node.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect([...seen, ...rest]).toEqual(newestFirst(made));
    expect(rest.filter((id) => inserted.includes(id))).toEqual([]);
    // A fresh read starts with them.
    expect((await page(a, alice, 3)).edges.map((e) => e.node.id)).toEqual([...inserted].reverse());
    for (const id of inserted) made.push({ id, kind: 'TRANSFER', category: 'TRANSFER', minor: 10n, createdAt: '' });
  });

  test('paging while transfers are being inserted concurrently: every older transaction read exactly once', async () => {
    const before = newestFirst(made);
    let stop = false;
    const writer = (async () => {
      const ids: string[] = [];
      while (!stop && ids.length < 60) {
        const batch = await Promise.all(
          Array.from({ length: 3 }, () =>
            h.request(
              TransferDocument,
              { input: { fromAccountId: a, toAccountId: b, amount: '0.01', idempotencyKey: key() } },
              alice.token,
            ),
          ),
        );
        ids.push(...batch.map((r) => ok(r).transfer.id));
      }
      return ids;
    })();
    const read: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page(a, alice, 3, after);
      read.push(...p.edges.map((e) => e.node.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    stop = true;
    const inserted = await writer;
    expect(new Set(read).size).toBe(read.length);
    expect(read.filter((id) => before.includes(id))).toEqual(before);
    // Whatever else was read was inserted meanwhile.
    expect(read.filter((id) => !before.includes(id) && !inserted.includes(id))).toEqual([]);
    for (const id of inserted) made.push({ id, kind: 'TRANSFER', category: 'TRANSFER', minor: 1n, createdAt: '' });
    // Concurrent inserts finish in any order: keep the model in the order the database created them.
    const order = (
      await h.sql<{ id: string }>(
        'select id from transactions where from_account_id = ? or to_account_id = ? order by seq',
        [a, a],
      )
    ).map((r) => r.id);
    expect(order).toHaveLength(made.length);
    made.sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
  });

  test.each([
    ['first: 0', { first: 0 }],
    ['first: 1001', { first: 1001 }],
    ['first: -1', { first: -1 }],
    ['a cursor that is not ours', { first: 5, after: 'bm90LWEtY3Vyc29y' }],
    ['a cursor that is not base64 JSON', { first: 5, after: '%%%' }],
  ])('%s is BAD_USER_INPUT', async (_name, args) => {
    const r = await h.request(AccountTransactionsDocument, { id: a, ...args }, alice.token);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });
});

describe('filters', () => {
  const original = () => made.filter((m) => m.createdAt !== '');

  test('kind', async () => {
    for (const kind of ['DEPOSIT', 'WITHDRAWAL'] as const) {
      const ids = (await walk(a, alice, 4, { kind })).flat();
      expect(ids).toEqual(newestFirst(original().filter((m) => m.kind === kind)));
    }
    const transfers = (await walk(a, alice, 100, { kind: 'TRANSFER' })).flat();
    expect(transfers).toEqual(newestFirst(made.filter((m) => m.kind === 'TRANSFER')));
    expect((await walk(a, alice, 10, { kind: 'LOAN_DISBURSEMENT' })).flat()).toEqual([]);
  });

  test('category (on the account’s own side)', async () => {
    expect((await walk(a, alice, 2, { category: 'DINING' })).flat()).toEqual(
      newestFirst(original().filter((m) => m.category === 'DINING')),
    );
    expect((await walk(a, alice, 10, { category: 'CASH' })).flat()).toEqual(
      newestFirst(original().filter((m) => m.category === 'CASH')),
    );
    // bob's side of those transfers is plain TRANSFER: none is DINING for him.
    expect((await walk(b, bob, 10, { category: 'DINING' })).flat()).toEqual([]);
  });

  test('minimum and maximum amounts, inclusive', async () => {
    const o = original();
    expect((await walk(a, alice, 100, { minAmount: '50.00' })).flat()).toEqual(
      newestFirst(o.filter((m) => m.minor >= 5000n)),
    );
    expect((await walk(a, alice, 100, { maxAmount: '0.10' })).flat()).toEqual(
      newestFirst(made.filter((m) => m.minor <= 10n)),
    );
    expect((await walk(a, alice, 100, { minAmount: '9.99', maxAmount: '12.50' })).flat()).toEqual(
      newestFirst(o.filter((m) => m.minor >= 999n && m.minor <= 1250n)),
    );
    expect((await walk(a, alice, 100, { minAmount: '10.00', maxAmount: '10.00', kind: 'TRANSFER' })).flat()).toEqual(
      newestFirst(o.filter((m) => m.minor === 1000n && m.kind === 'TRANSFER')),
    );
  });

  test('from (inclusive) and to (exclusive) creation instants', async () => {
    const o = original();
    const from = (o[8] as (typeof o)[number]).createdAt;
    const to = (o[16] as (typeof o)[number]).createdAt;
    const inWindow = o.filter((m) => m.createdAt >= from && m.createdAt < to);
    expect(inWindow.length).toBeGreaterThanOrEqual(7);
    expect((await walk(a, alice, 3, { from, to })).flat()).toEqual(newestFirst(inWindow));
    expect((await walk(a, alice, 100, { to: (o[0] as (typeof o)[number]).createdAt })).flat()).toEqual([]);
    expect((await walk(a, alice, 100, { from: '2100-01-01T00:00:00Z' })).flat()).toEqual([]);
  });

  test.each([
    ['minAmount with too many decimals', { minAmount: '1.001' }],
    ['negative minAmount', { minAmount: '-1.00' }],
    ['negative maxAmount', { maxAmount: '-0.01' }],
  ])('%s is BAD_USER_INPUT', async (_name, filter) => {
    const r = await h.request(AccountTransactionsDocument, { id: a, first: 5, filter }, alice.token);
    expect(firstError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('labels: each side has its own category and tags', () => {
  let tx: string;

  beforeAll(async () => {
    tx = ok(
      await h.request(
        TransferDocument,
        {
          input: {
            fromAccountId: a,
            toAccountId: b,
            amount: '12.00',
            idempotencyKey: key(),
            description: 'Pizza night',
          },
        },
        alice.token,
      ),
    ).transfer.id;
  });

  const seenBy = async (party: Party) => {
    const t = ok(await h.request(TransactionByIdDocument, { id: tx }, party.token)).transaction;
    return { category: t?.category, tags: t?.tags };
  };
  const labelsInDatabase = () =>
    h.sql<{ account_id: string; category: string; tags: string[] }>(
      'select account_id, category, tags from entries where transaction_id = ? order by amount',
      [tx],
    );

  test('the first guess: the sender’s side from the description, the receiver’s plain TRANSFER', async () => {
    expect(await seenBy(alice)).toEqual({ category: 'DINING', tags: [] });
    expect(await seenBy(bob)).toEqual({ category: 'TRANSFER', tags: [] });
  });

  test('the sender recategorizes: only the sender’s view changes', async () => {
    const r = ok(await h.request(CategorizeTransactionDocument, { id: tx, category: 'GROCERIES' }, alice.token));
    expect(r.categorizeTransaction).toMatchObject({ id: tx, category: 'GROCERIES' });
    expect(await seenBy(alice)).toEqual({ category: 'GROCERIES', tags: [] });
    expect(await seenBy(bob)).toEqual({ category: 'TRANSFER', tags: [] });
  });

  test('the receiver recategorizes their side: the sender’s stays', async () => {
    ok(await h.request(CategorizeTransactionDocument, { id: tx, category: 'ENTERTAINMENT' }, bob.token));
    expect(await seenBy(bob)).toEqual({ category: 'ENTERTAINMENT', tags: [] });
    expect(await seenBy(alice)).toEqual({ category: 'GROCERIES', tags: [] });
    expect((await labelsInDatabase()).map((r) => [r.account_id, r.category])).toEqual([
      [a, 'GROCERIES'],
      [b, 'ENTERTAINMENT'],
    ]);
  });

  test('the category filter follows each side’s label', async () => {
    expect((await page(a, alice, 100, null, { category: 'GROCERIES' })).edges.map((e) => e.node.id)).toContain(tx);
    expect((await page(b, bob, 100, null, { category: 'GROCERIES' })).edges.map((e) => e.node.id)).not.toContain(tx);
    expect((await page(b, bob, 100, null, { category: 'ENTERTAINMENT' })).edges.map((e) => e.node.id)).toEqual([tx]);
  });

  test('tags are trimmed and deduplicated, per side', async () => {
    const r = ok(await h.request(TagTransactionDocument, { id: tx, tags: [' food ', 'friends', 'food'] }, alice.token));
    expect(r.tagTransaction.tags).toEqual(['food', 'friends']);
    ok(await h.request(TagTransactionDocument, { id: tx, tags: ['gift'] }, bob.token));
    expect(await seenBy(alice)).toEqual({ category: 'GROCERIES', tags: ['food', 'friends'] });
    expect(await seenBy(bob)).toEqual({ category: 'ENTERTAINMENT', tags: ['gift'] });
  });

  test('the history shows the viewer’s side too', async () => {
    const mine = (await page(a, alice, 100)).edges.find((e) => e.node.id === tx)?.node;
    const theirs = (await page(b, bob, 100)).edges.find((e) => e.node.id === tx)?.node;
    expect(mine).toMatchObject({
      category: 'GROCERIES',
      tags: ['food', 'friends'],
      signedAmount: { amount: '-12.00' },
    });
    expect(theirs).toMatchObject({ category: 'ENTERTAINMENT', tags: ['gift'], signedAmount: { amount: '12.00' } });
  });

  test.each([
    ['11 tags', Array.from({ length: 11 }, (_, i) => `t${i}`)],
    ['an empty tag', ['ok', '']],
    ['a blank tag', ['   ']],
    ['a tag of 31 characters', ['x'.repeat(31)]],
  ])('%s is BAD_USER_INPUT and changes nothing', async (_name, tags) => {
    const before = await labelsInDatabase();
    const r = await h.request(TagTransactionDocument, { id: tx, tags }, alice.token);
    expect(firstError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tags' });
    expect(await labelsInDatabase()).toEqual(before);
  });

  test('10 tags of 30 characters are accepted; an empty list clears them', async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(30, 'x'));
    expect(ok(await h.request(TagTransactionDocument, { id: tx, tags }, alice.token)).tagTransaction.tags).toEqual(
      tags,
    );
    expect(ok(await h.request(TagTransactionDocument, { id: tx, tags: [] }, alice.token)).tagTransaction.tags).toEqual(
      [],
    );
    expect(await seenBy(bob)).toEqual({ category: 'ENTERTAINMENT', tags: ['gift'] });
  });

  test('a third user can label neither side: NOT_FOUND', async () => {
    const carol = await h.user('carol');
    const before = await labelsInDatabase();
    expect(codeOf(await h.request(CategorizeTransactionDocument, { id: tx, category: 'TRAVEL' }, carol.token))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await h.request(TagTransactionDocument, { id: tx, tags: ['mine'] }, carol.token))).toBe('NOT_FOUND');
    expect(await labelsInDatabase()).toEqual(before);
  });

  test('labelling an unknown or malformed id', async () => {
    expect(
      codeOf(
        await h.request(
          CategorizeTransactionDocument,
          { id: '00000000-0000-4000-8000-000000000000', category: 'TRAVEL' },
          alice.token,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(await h.request(CategorizeTransactionDocument, { id: 'nope', category: 'TRAVEL' }, alice.token)),
    ).toBe('BAD_USER_INPUT');
  });
});
