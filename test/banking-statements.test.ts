/**
 * Statements (closing = opening + credits − debits, running balances that
 * chain, closing = balance for the current month), spending summaries by
 * category and month, and the low-balance threshold setting.
 */
import {
  AccountDocument,
  CategorizeTransactionDocument,
  DepositDocument,
  SetLowBalanceAlertDocument,
  SpendingSummaryDocument,
  StatementDocument,
  TransferDocument,
  WithdrawDocument,
  type StatementQuery,
} from './generated/operations.ts';
import {
  cents,
  codeOf,
  firstError,
  key,
  ok,
  startBank,
  usd,
  type BankHarness,
  type Party,
} from '../subgraphs/banking/test/support.ts';

type Statement = NonNullable<StatementQuery['account']>['statement'];

let h: BankHarness;
beforeAll(async () => {
  h = await startBank();
});
afterAll(async () => {
  await h?.close();
});

/** YYYY-MM of an instant, UTC. */
const monthOf = (date: Date) => date.toISOString().slice(0, 7);
/** The first day (UTC) of the month `offset` months from the month of `date`. */
const monthStart = (date: Date, offset: number) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));

async function statement(party: Party, id: string, month: string): Promise<Statement> {
  const s = ok(await h.request(StatementDocument, { id, month }, party.token)).account?.statement;
  if (!s) throw new Error('no statement');
  return s;
}

/** Checks the arithmetic every statement must satisfy, independently of the server's totals. */
function expectConsistent(s: Statement): void {
  let running = cents(s.openingBalance.amount);
  let credits = 0n;
  let debits = 0n;
  for (const entry of s.entries) {
    const amount = cents(entry.amount.amount);
    running += amount;
    if (amount > 0n) credits += amount;
    else debits -= amount;
    expect(entry.balanceAfter.amount).toBe(usd(running));
  }
  expect(s.totalCredits.amount).toBe(usd(credits));
  expect(s.totalDebits.amount).toBe(usd(debits));
  expect(s.closingBalance.amount).toBe(usd(running));
  expect(cents(s.closingBalance.amount)).toBe(
    cents(s.openingBalance.amount) + cents(s.totalCredits.amount) - cents(s.totalDebits.amount),
  );
}

describe('statements', () => {
  let alice: Party;
  let bob: Party;
  let a: string;
  let b: string;
  const txs: string[] = [];
  let now: Date;

  beforeAll(async () => {
    alice = await h.user('alice');
    bob = await h.user('bob');
    a = await h.open(alice);
    b = await h.open(bob);
    const t = async (input: Promise<string>) => txs.push(await input);
    await t(h.deposit(alice, a, '300.00'));
    await t(
      h
        .request(
          TransferDocument,
          {
            input: { fromAccountId: a, toAccountId: b, amount: '45.50', idempotencyKey: key(), description: 'Dinner' },
          },
          alice.token,
        )
        .then((r) => ok(r).transfer.id),
    );
    await t(
      h
        .request(WithdrawDocument, { input: { accountId: a, amount: '20.00', idempotencyKey: key() } }, alice.token)
        .then((r) => ok(r).withdraw.id),
    );
    await t(
      h
        .request(
          TransferDocument,
          { input: { fromAccountId: b, toAccountId: a, amount: '5.25', idempotencyKey: key() } },
          bob.token,
        )
        .then((r) => ok(r).transfer.id),
    );
    await t(h.deposit(alice, a, '0.01'));
    now = new Date();
  });

  test('this month: opening 0, exact totals and lines, closing equals the balance', async () => {
    const s = await statement(alice, a, monthOf(now));
    expect(s.month).toBe(monthOf(now));
    expect(s.openingBalance).toEqual({ amount: '0.00', currency: 'USD' });
    expect(s.totalCredits).toEqual({ amount: '305.26', currency: 'USD' });
    expect(s.totalDebits).toEqual({ amount: '65.50', currency: 'USD' });
    expect(s.closingBalance).toEqual({ amount: '239.76', currency: 'USD' });
    expect(s.entries.map((e) => [e.transactionId, e.kind, e.amount.amount, e.balanceAfter.amount])).toEqual([
      [txs[0], 'DEPOSIT', '300.00', '300.00'],
      [txs[1], 'TRANSFER', '-45.50', '254.50'],
      [txs[2], 'WITHDRAWAL', '-20.00', '234.50'],
      [txs[3], 'TRANSFER', '5.25', '239.75'],
      [txs[4], 'DEPOSIT', '0.01', '239.76'],
    ]);
    expect(s.entries[1]?.description).toBe('Dinner');
    expectConsistent(s);
    const account = ok(await h.request(AccountDocument, { id: a }, alice.token)).account;
    expect(account?.balance.amount).toBe(s.closingBalance.amount);
  });

  test('the other side of the same transfers, from bob’s account', async () => {
    const s = await statement(bob, b, monthOf(now));
    expect(s.entries.map((e) => e.amount.amount)).toEqual(['45.50', '-5.25']);
    expect(s.closingBalance.amount).toBe('40.25');
    expectConsistent(s);
  });

  test('across months: entries posted last month make this month’s opening balance', async () => {
    const carol = await h.user('carol');
    const c = await h.open(carol);
    const first = await h.deposit(carol, c, '100.00');
    const second = ok(
      await h.request(
        WithdrawDocument,
        { input: { accountId: c, amount: '30.00', idempotencyKey: key() } },
        carol.token,
      ),
    ).withdraw.id;
    const third = await h.deposit(carol, c, '5.00');
    // Move the first two postings into last month (the test database only: the API has no back-dating).
    const last = monthStart(now, -1);
    await h.sql(`update entries set posted_at = ? where transaction_id = ?`, [
      new Date(last.getTime() + 14 * 86_400_000),
      first,
    ]);
    await h.sql(`update entries set posted_at = ? where transaction_id = ?`, [
      new Date(last.getTime() + 19 * 86_400_000),
      second,
    ]);

    const previous = await statement(carol, c, monthOf(last));
    expect(previous.openingBalance.amount).toBe('0.00');
    expect(previous.entries.map((e) => [e.transactionId, e.amount.amount, e.balanceAfter.amount])).toEqual([
      [first, '100.00', '100.00'],
      [second, '-30.00', '70.00'],
    ]);
    expect(previous.closingBalance.amount).toBe('70.00');
    expectConsistent(previous);

    const current = await statement(carol, c, monthOf(now));
    expect(current.openingBalance.amount).toBe('70.00');
    expect(current.entries.map((e) => e.transactionId)).toEqual([third]);
    expect(current.closingBalance.amount).toBe('75.00');
    expectConsistent(current);

    const before = await statement(carol, c, monthOf(monthStart(now, -2)));
    expect([before.openingBalance.amount, before.closingBalance.amount, before.entries]).toEqual(['0.00', '0.00', []]);
    const future = await statement(carol, c, '2099-01');
    expect([future.openingBalance.amount, future.closingBalance.amount, future.entries]).toEqual([
      '75.00',
      '75.00',
      [],
    ]);
  });

  test('a JPY statement has no decimals', async () => {
    const dave = await h.user('dave');
    const j = await h.open(dave, 'JPY');
    await h.deposit(dave, j, '1500');
    ok(
      await h.request(WithdrawDocument, { input: { accountId: j, amount: '499', idempotencyKey: key() } }, dave.token),
    );
    const s = await statement(dave, j, monthOf(new Date()));
    expect([s.openingBalance, s.totalCredits, s.totalDebits, s.closingBalance]).toEqual([
      { amount: '0', currency: 'JPY' },
      { amount: '1500', currency: 'JPY' },
      { amount: '499', currency: 'JPY' },
      { amount: '1001', currency: 'JPY' },
    ]);
    expect(s.entries.map((e) => e.balanceAfter.amount)).toEqual(['1500', '1001']);
  });

  test.each(['2026-13', '2026-00', '2026-1', '26-11', '2026-11-01', '', 'abcd-ef', '2026/11'])(
    'month %p is BAD_USER_INPUT',
    async (month) => {
      const r = await h.request(StatementDocument, { id: a, month }, alice.token);
      expect(firstError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    },
  );
});

describe('spending summary', () => {
  let erin: Party;
  let e: string;
  let eEur: string;
  let other: string;
  const wide = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

  beforeAll(async () => {
    erin = await h.user('erin');
    const frank = await h.user('frank');
    e = await h.open(erin);
    eEur = await h.open(erin, 'EUR');
    other = await h.open(frank);
    await h.deposit(erin, e, '500.00');
    await h.deposit(erin, eEur, '50.00');
    const pay = async (amount: string, description?: string) =>
      ok(
        await h.request(
          TransferDocument,
          {
            input: {
              fromAccountId: e,
              toAccountId: other,
              amount,
              idempotencyKey: key(),
              ...(description ? { description } : {}),
            },
          },
          erin.token,
        ),
      ).transfer.id;
    await pay('20.00', 'Pizza dinner');
    const lunch = await pay('10.00', 'Lunch');
    await pay('30.00', 'Groceries');
    await pay('15.00');
    ok(
      await h.request(
        WithdrawDocument,
        { input: { accountId: e, amount: '50.00', idempotencyKey: key() } },
        erin.token,
      ),
    );
    ok(
      await h.request(
        WithdrawDocument,
        { input: { accountId: eEur, amount: '5.00', idempotencyKey: key() } },
        erin.token,
      ),
    );
    // The owner's label is what counts.
    ok(await h.request(CategorizeTransactionDocument, { id: lunch, category: 'ENTERTAINMENT' }, erin.token));
    // Money in is not spending.
    ok(
      await h.request(DepositDocument, { input: { accountId: e, amount: '1.00', idempotencyKey: key() } }, erin.token),
    );
  });

  test('totals by category, largest first, per currency; and by month', async () => {
    const s = ok(await h.request(SpendingSummaryDocument, wide, erin.token)).me?.spendingSummary;
    expect(s?.byCategory).toEqual([
      { category: 'CASH', count: 1, total: { amount: '50.00', currency: 'USD' } },
      { category: 'GROCERIES', count: 1, total: { amount: '30.00', currency: 'USD' } },
      { category: 'DINING', count: 1, total: { amount: '20.00', currency: 'USD' } },
      { category: 'TRANSFER', count: 1, total: { amount: '15.00', currency: 'USD' } },
      { category: 'ENTERTAINMENT', count: 1, total: { amount: '10.00', currency: 'USD' } },
      { category: 'CASH', count: 1, total: { amount: '5.00', currency: 'EUR' } },
    ]);
    const month = monthOf(new Date());
    expect(s?.byMonth).toEqual([
      { month, count: 1, total: { amount: '5.00', currency: 'EUR' } },
      { month, count: 5, total: { amount: '125.00', currency: 'USD' } },
    ]);
  });

  test('the totals match the debits in the ledger', async () => {
    const [row] = await h.sql<{ total: string; n: number }>(
      `select (-sum(e.amount))::text as total, count(*)::int as n from entries e join accounts a on a.id = e.account_id
        where a.owner_id = ? and e.amount < 0 and e.currency = 'USD'`,
      [erin.id],
    );
    expect(row).toEqual({ total: '12500', n: 5 });
  });

  test('the window is [from, to): a month earlier holds only what was posted then', async () => {
    const [first] = await h.sql<{ transaction_id: string }>(
      `select e.transaction_id from entries e where e.account_id = ? and e.amount < 0 and e.category = 'CASH'`,
      [e],
    );
    const last = monthStart(new Date(), -1);
    await h.sql('update entries set posted_at = ? where transaction_id = ?', [
      new Date(last.getTime() + 3 * 86_400_000),
      first?.transaction_id,
    ]);
    const s = ok(await h.request(SpendingSummaryDocument, wide, erin.token)).me?.spendingSummary;
    expect(s?.byMonth.filter((m) => m.total.currency === 'USD')).toEqual([
      { month: monthOf(last), count: 1, total: { amount: '50.00', currency: 'USD' } },
      { month: monthOf(new Date()), count: 4, total: { amount: '75.00', currency: 'USD' } },
    ]);
    const onlyLast = ok(
      await h.request(
        SpendingSummaryDocument,
        { from: last.toISOString(), to: monthStart(new Date(), 0).toISOString() },
        erin.token,
      ),
    ).me?.spendingSummary;
    expect(onlyLast?.byCategory).toEqual([{ category: 'CASH', count: 1, total: { amount: '50.00', currency: 'USD' } }]);
  });

  test('an empty window is empty', async () => {
    const s = ok(
      await h.request(
        SpendingSummaryDocument,
        { from: '2001-01-01T00:00:00Z', to: '2001-02-01T00:00:00Z' },
        erin.token,
      ),
    ).me?.spendingSummary;
    expect(s).toEqual({ byCategory: [], byMonth: [] });
  });

  test('from not before to is BAD_USER_INPUT', async () => {
    for (const window of [
      { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    ]) {
      const r = await h.request(SpendingSummaryDocument, window, erin.token);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    }
  });

  test('a malformed instant is BAD_USER_INPUT (a client error, not an internal one)', async () => {
    const r = await h.request(SpendingSummaryDocument, { from: 'yesterday', to: '2026-01-01T00:00:00Z' }, erin.token);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });
});

describe('low-balance threshold', () => {
  let gina: Party;
  let g: string;
  let gJpy: string;

  beforeAll(async () => {
    gina = await h.user('gina');
    g = await h.open(gina);
    gJpy = await h.open(gina, 'JPY');
  });

  const set = (accountId: string, threshold: string | null) =>
    h.request(SetLowBalanceAlertDocument, { accountId, threshold }, gina.token);

  test('set, read back, change, clear', async () => {
    expect(ok(await set(g, '50.00')).setLowBalanceAlert.lowBalanceAlert).toEqual({ amount: '50.00', currency: 'USD' });
    expect(ok(await h.request(AccountDocument, { id: g }, gina.token)).account?.lowBalanceAlert).toEqual({
      amount: '50.00',
      currency: 'USD',
    });
    expect(ok(await set(g, '7.5')).setLowBalanceAlert.lowBalanceAlert?.amount).toBe('7.50');
    expect(ok(await set(g, '0')).setLowBalanceAlert.lowBalanceAlert?.amount).toBe('0.00');
    expect(ok(await set(g, null)).setLowBalanceAlert.lowBalanceAlert).toBeNull();
    expect(ok(await h.request(AccountDocument, { id: g }, gina.token)).account?.lowBalanceAlert).toBeNull();
    expect(ok(await set(gJpy, '1000')).setLowBalanceAlert.lowBalanceAlert).toEqual({ amount: '1000', currency: 'JPY' });
  });

  test.each([
    ['a negative threshold', () => g, '-1.00'],
    ['three decimals', () => g, '1.001'],
    ['decimals for JPY', () => gJpy, '1.5'],
    ['over 10^13', () => g, '100000000000000'],
  ])('%s is BAD_USER_INPUT and changes nothing', async (_name, account, threshold) => {
    ok(await set(g, '10.00'));
    const before = await h.snapshot();
    const r = await set(account(), threshold);
    expect(firstError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'threshold' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('an unknown account is NOT_FOUND', async () => {
    const r = await set('00000000-0000-4000-8000-000000000000', '1.00');
    expect(codeOf(r)).toBe('NOT_FOUND');
  });
});
