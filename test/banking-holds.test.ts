/**
 * Holds (two-phase transfers) for the billing and lending sagas, called as
 * an internal service directly on the banking subgraph (the header signed
 * with the SERVICE key): reserve, post exactly once, void, and the state
 * machine between them. A hold goes between one account of `customerId` and
 * one of the bank's SYSTEM accounts (LOANS, BILL_SETTLEMENT) of that
 * account's currency, in the direction its kind requires; every refusal is
 * checked before anything is written. Services may read a customer's account
 * before a saga starts. Users cannot reach holds: not through the router (the
 * fields are @inaccessible), not directly with a router-signed header.
 */
import {
  AccountDocument,
  AccountTransactionsDocument,
  CategorizeTransactionDocument,
  FreezeAccountDocument,
  StatementDocument,
  TransactionByIdDocument,
  TransferDocument,
  WithdrawDocument,
} from './generated/operations.ts';
import {
  ACCOUNT_FOR_SERVICE,
  CREATE_HOLD,
  POST_HOLD,
  SOUND_LEDGER,
  VOID_HOLD,
  codeOf,
  firstError,
  key,
  ok,
  startBank,
  usd,
  type BankHarness,
  type GqlBody,
  type HoldView,
  type Party,
} from '../subgraphs/banking/test/support.ts';
import { statementsSentDuring, transactionStatements } from './support/statements.ts';

let h: BankHarness;
let alice: Party;
let bob: Party;
let a: string;
let b: string;
let settlementUsd: string;
let loansUsd: string;
let loansEur: string;

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  a = await h.open(alice);
  b = await h.open(bob);
  await h.deposit(alice, a, '100.00');
  settlementUsd = await h.systemAccount('BILL_SETTLEMENT', 'USD');
  loansUsd = await h.systemAccount('LOANS', 'USD');
  loansEur = await h.systemAccount('LOANS', 'EUR');
});
afterAll(async () => {
  await h?.close();
});

type SystemAccount = 'LOANS' | 'BILL_SETTLEMENT';

interface HoldInput {
  fromAccountId?: string | null;
  fromSystem?: SystemAccount | null;
  toAccountId?: string | null;
  toSystem?: SystemAccount | null;
  customerId: string;
  amount: string;
  kind: string;
  idempotencyKey: string;
  description?: string;
}

const createHold = (input: HoldInput, service: 'billing' | 'lending' = 'billing') =>
  h.asService<{ createHold: HoldView }>(CREATE_HOLD, { input }, service);
const postHold = (id: string) => h.asService<{ postHold: HoldView }>(POST_HOLD, { id });
const voidHold = (id: string) => h.asService<{ voidHold: HoldView }>(VOID_HOLD, { id });

/** Billing's saga step: alice's account `a` pays a bill into BILL_SETTLEMENT. */
const hold = (amount: string, idempotencyKey = key('hold')): HoldInput => ({
  fromAccountId: a,
  toSystem: 'BILL_SETTLEMENT',
  customerId: alice.id,
  amount,
  kind: 'BILL_PAYMENT',
  idempotencyKey,
  description: 'Electricity bill',
});

/** Lending's saga steps: a loan paid out of LOANS into the borrower's account, and a repayment into LOANS. */
const disbursement = (accountId: string, customer: Party, amount: string): HoldInput => ({
  fromSystem: 'LOANS',
  toAccountId: accountId,
  customerId: customer.id,
  amount,
  kind: 'LOAN_DISBURSEMENT',
  idempotencyKey: key('disburse'),
  description: 'Loan disbursement',
});
const repayment = (accountId: string, customer: Party, amount: string): HoldInput => ({
  fromAccountId: accountId,
  toSystem: 'LOANS',
  customerId: customer.id,
  amount,
  kind: 'LOAN_REPAYMENT',
  idempotencyKey: key('repay'),
  description: 'Loan repayment',
});

async function view(id: string, party: Party) {
  const account = ok(await h.request(AccountDocument, { id }, party.token)).account;
  return { balance: account?.balance.amount, available: account?.availableBalance.amount };
}

async function entriesOf(transactionId: string): Promise<{ account_id: string; amount: string }[]> {
  return h.sql('select account_id, amount::text as amount from entries where transaction_id = ? order by amount', [
    transactionId,
  ]);
}

/** The double-entry rule for one transaction: its entries sum to zero. */
async function entriesSum(transactionId: string): Promise<string> {
  const [row] = await h.sql<{ s: string }>(
    'select coalesce(sum(amount), 0)::text as s from entries where transaction_id = ?',
    [transactionId],
  );
  return row?.s ?? 'none';
}

describe('a hold that is posted', () => {
  let id: string;
  let settlementBefore: bigint;

  test('createHold reserves: available drops, balance does not, nothing moves; the system side is never shown', async () => {
    settlementBefore = (await h.account(settlementUsd)).balance;
    const created = ok(await createHold(hold('30.00'))).createHold;
    id = created.id;
    expect(created).toMatchObject({
      kind: 'BILL_PAYMENT',
      status: 'PENDING',
      amount: { amount: '30.00', currency: 'USD' },
      fromAccount: { id: a },
      toAccount: null,
      postedAt: null,
    });
    expect(await view(a, alice)).toEqual({ balance: '100.00', available: '70.00' });
    expect(await h.account(a)).toMatchObject({ balance: 10_000n, held: 3_000n });
    expect(await h.account(settlementUsd)).toMatchObject({ balance: settlementBefore, held: 0n });
    expect(await entriesOf(id)).toEqual([]);
    const [row] = await h.sql<{ from_account_id: string; to_account_id: string }>(
      'select from_account_id, to_account_id from transactions where id = ?',
      [id],
    );
    expect(row).toEqual({ from_account_id: a, to_account_id: settlementUsd });
  });

  test('the owner sees it PENDING in the history, but not in the statement, and cannot label it yet', async () => {
    const page = ok(await h.request(AccountTransactionsDocument, { id: a, first: 5 }, alice.token)).account;
    expect(page?.transactions.edges[0]?.node).toMatchObject({
      id,
      status: 'PENDING',
      postedAt: null,
      fromAccount: { id: a },
      toAccount: null,
    });
    const month = new Date().toISOString().slice(0, 7);
    const statement = ok(await h.request(StatementDocument, { id: a, month }, alice.token)).account?.statement;
    expect(statement?.entries.map((e) => e.transactionId)).not.toContain(id);
    const before = await h.snapshot();
    const label = await h.request(CategorizeTransactionDocument, { id, category: 'UTILITIES' }, alice.token);
    expect(codeOf(label)).toBe('BAD_USER_INPUT');
    expect(await h.snapshot()).toEqual(before);
  });

  test('the reserved money cannot be spent by the owner', async () => {
    const before = await h.snapshot();
    const r = await h.request(
      WithdrawDocument,
      { input: { accountId: a, amount: '70.01', idempotencyKey: key() } },
      alice.token,
    );
    expect(firstError(r).extensions).toMatchObject({ code: 'INSUFFICIENT_FUNDS', available: '70.00' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('postHold moves the money into BILL_SETTLEMENT: one pair of entries summing to zero, held released', async () => {
    const posted = ok(await postHold(id)).postHold;
    expect(posted).toMatchObject({ id, status: 'POSTED', fromAccount: { id: a }, toAccount: null });
    expect(posted.postedAt).not.toBeNull();
    expect(await view(a, alice)).toEqual({ balance: '70.00', available: '70.00' });
    expect(await h.account(settlementUsd)).toMatchObject({ balance: settlementBefore + 3_000n, held: 0n });
    expect(await entriesOf(id)).toEqual([
      { account_id: a, amount: '-3000' },
      { account_id: settlementUsd, amount: '3000' },
    ]);
    expect(await entriesSum(id)).toBe('0');
  });

  test('the owner sees the bill payment leave their account and no account on the other side', async () => {
    const seen = ok(await h.request(TransactionByIdDocument, { id }, alice.token)).transaction;
    expect(seen).toMatchObject({
      kind: 'BILL_PAYMENT',
      status: 'POSTED',
      fromAccount: { id: a },
      toAccount: null,
      signedAmount: { amount: '-30.00', currency: 'USD' },
    });
  });

  test('posting it again returns the same transaction and moves nothing', async () => {
    const before = await h.snapshot();
    const again = ok(await postHold(id)).postHold;
    expect(again).toMatchObject({ id, status: 'POSTED' });
    expect(await h.snapshot()).toEqual(before);
    expect(await entriesOf(id)).toHaveLength(2);
  });

  test('voiding a posted hold is INVALID_STATE_TRANSITION and changes nothing', async () => {
    const before = await h.snapshot();
    const r = await voidHold(id);
    expect(firstError(r).extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', status: 'POSTED' });
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('a hold that is voided', () => {
  let id: string;

  test('voidHold releases the reserved funds without moving money', async () => {
    const settlement = await h.account(settlementUsd);
    id = ok(await createHold(hold('25.00'))).createHold.id;
    expect(await view(a, alice)).toEqual({ balance: '70.00', available: '45.00' });
    const voided = ok(await voidHold(id)).voidHold;
    expect(voided).toMatchObject({ id, status: 'VOIDED', postedAt: null });
    expect(await view(a, alice)).toEqual({ balance: '70.00', available: '70.00' });
    expect(await h.account(settlementUsd)).toEqual(settlement);
    expect(await entriesOf(id)).toEqual([]);
  });

  test('voiding again returns it unchanged', async () => {
    const before = await h.snapshot();
    expect(ok(await voidHold(id)).voidHold).toMatchObject({ id, status: 'VOIDED' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('posting a voided hold is INVALID_STATE_TRANSITION and changes nothing', async () => {
    const before = await h.snapshot();
    const r = await postHold(id);
    expect(firstError(r).extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', status: 'VOIDED' });
    expect(await h.snapshot()).toEqual(before);
    expect(await entriesOf(id)).toEqual([]);
  });
});

describe('loans: LOANS is the other side', () => {
  let dave: Party;
  let d: string;
  let loansBefore: bigint;

  beforeAll(async () => {
    dave = await h.user('dave', 'BUSINESS_OWNER');
    d = await h.open(dave);
    loansBefore = (await h.account(loansUsd)).balance;
  });

  test('a disbursement reserves on LOANS: nothing reaches the borrower until it is posted', async () => {
    const created = ok(await createHold(disbursement(d, dave, '500.00'), 'lending')).createHold;
    expect(created).toMatchObject({
      kind: 'LOAN_DISBURSEMENT',
      status: 'PENDING',
      amount: { amount: '500.00', currency: 'USD' },
      fromAccount: null,
      toAccount: { id: d },
    });
    expect(await view(d, dave)).toEqual({ balance: '0.00', available: '0.00' });
    expect(await h.account(loansUsd)).toMatchObject({ balance: loansBefore, held: 50_000n });
    expect(ok(await voidHold(created.id)).voidHold.status).toBe('VOIDED');
    expect(await h.account(loansUsd)).toMatchObject({ balance: loansBefore, held: 0n });
  });

  test('a posted disbursement arrives in the customer account and LOANS goes below zero', async () => {
    const id = ok(await createHold(disbursement(d, dave, '500.00'), 'lending')).createHold.id;
    expect(ok(await postHold(id)).postHold).toMatchObject({ id, status: 'POSTED', fromAccount: null });
    expect(await view(d, dave)).toEqual({ balance: '500.00', available: '500.00' });
    const loans = await h.account(loansUsd);
    expect(loans).toMatchObject({ balance: loansBefore - 50_000n, held: 0n });
    expect(loans.balance).toBeLessThan(0n);
    expect(await entriesOf(id)).toEqual([
      { account_id: loansUsd, amount: '-50000' },
      { account_id: d, amount: '50000' },
    ]);
    expect(await entriesSum(id)).toBe('0');
    // The borrower sees the money arrive from nowhere they can see, categorized as a loan.
    const seen = ok(await h.request(TransactionByIdDocument, { id }, dave.token)).transaction;
    expect(seen).toMatchObject({
      kind: 'LOAN_DISBURSEMENT',
      fromAccount: null,
      toAccount: { id: d },
      signedAmount: { amount: '500.00', currency: 'USD' },
      category: 'LOANS',
    });
  });

  test('a repayment goes from the customer account into LOANS', async () => {
    const id = ok(await createHold(repayment(d, dave, '120.00'), 'lending')).createHold.id;
    expect(await view(d, dave)).toEqual({ balance: '500.00', available: '380.00' });
    expect(ok(await postHold(id)).postHold).toMatchObject({
      status: 'POSTED',
      fromAccount: { id: d },
      toAccount: null,
    });
    expect(await view(d, dave)).toEqual({ balance: '380.00', available: '380.00' });
    expect(await h.account(loansUsd)).toMatchObject({ balance: loansBefore - 38_000n, held: 0n });
    expect(await entriesOf(id)).toEqual([
      { account_id: d, amount: '-12000' },
      { account_id: loansUsd, amount: '12000' },
    ]);
    expect(await entriesSum(id)).toBe('0');
  });

  test('a repayment beyond the available funds is INSUFFICIENT_FUNDS and changes nothing', async () => {
    const before = await h.snapshot();
    expect(firstError(await createHold(repayment(d, dave, '380.01'), 'lending')).extensions).toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
      available: '380.00',
    });
    expect(await h.snapshot()).toEqual(before);
  });

  test('the system account used is the one of the customer account’s currency', async () => {
    const e = await h.open(dave, 'EUR');
    const eurBefore = (await h.account(loansEur)).balance;
    const usdBefore = await h.account(loansUsd);
    const id = ok(await createHold(disbursement(e, dave, '75.50'), 'lending')).createHold.id;
    ok(await postHold(id));
    expect(await entriesOf(id)).toEqual([
      { account_id: loansEur, amount: '-7550' },
      { account_id: e, amount: '7550' },
    ]);
    expect((await h.account(loansEur)).balance).toBe(eurBefore - 7_550n);
    expect(await h.account(loansUsd)).toEqual(usdBefore);
  });
});

describe('refused holds change nothing', () => {
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  // Every row names the field (null: none checked), so that jest does not take a fourth argument for `done`.
  const cases: [string, () => Promise<GqlBody<unknown>>, string, string | null][] = [
    ['beyond the available funds', () => createHold(hold('70.01')), 'INSUFFICIENT_FUNDS', null],
    ['zero amount', () => createHold(hold('0')), 'BAD_USER_INPUT', 'amount'],
    ['too many decimals', () => createHold(hold('1.001')), 'BAD_USER_INPUT', 'amount'],
    [
      'a kind that is not a saga step (TRANSFER)',
      () => createHold({ ...hold('1.00'), kind: 'TRANSFER' }),
      'BAD_USER_INPUT',
      'kind',
    ],
    [
      'both a customer account and a system account as the source',
      () => createHold({ ...hold('1.00'), fromSystem: 'LOANS' }),
      'BAD_USER_INPUT',
      'fromAccountId',
    ],
    [
      'both a customer account and a system account as the destination',
      () => createHold({ ...hold('1.00'), toAccountId: b }),
      'BAD_USER_INPUT',
      'toAccountId',
    ],
    ['no source', () => createHold({ ...hold('1.00'), fromAccountId: null }), 'BAD_USER_INPUT', 'fromAccountId'],
    ['no destination', () => createHold({ ...hold('1.00'), toSystem: null }), 'BAD_USER_INPUT', 'toAccountId'],
    [
      'two customer accounts (a hold is not a transfer between customers)',
      () => createHold({ ...hold('1.00'), toSystem: null, toAccountId: b }),
      'BAD_USER_INPUT',
      'toAccountId',
    ],
    [
      'two system accounts',
      () => createHold({ ...hold('1.00'), fromAccountId: null, fromSystem: 'LOANS' }),
      'BAD_USER_INPUT',
      'toSystem',
    ],
    ['BILL_PAYMENT into LOANS', () => createHold({ ...hold('1.00'), toSystem: 'LOANS' }), 'BAD_USER_INPUT', 'kind'],
    [
      'LOAN_REPAYMENT into BILL_SETTLEMENT',
      () => createHold({ ...hold('1.00'), kind: 'LOAN_REPAYMENT' }),
      'BAD_USER_INPUT',
      'kind',
    ],
    [
      'LOAN_DISBURSEMENT from the customer into LOANS',
      () => createHold({ ...repayment(a, alice, '1.00'), kind: 'LOAN_DISBURSEMENT' }),
      'BAD_USER_INPUT',
      'kind',
    ],
    [
      'LOAN_REPAYMENT out of LOANS into the customer',
      () => createHold({ ...disbursement(a, alice, '1.00'), kind: 'LOAN_REPAYMENT' }),
      'BAD_USER_INPUT',
      'kind',
    ],
    [
      'BILL_PAYMENT out of BILL_SETTLEMENT into the customer',
      () =>
        createHold({
          ...hold('1.00'),
          fromAccountId: null,
          fromSystem: 'BILL_SETTLEMENT',
          toSystem: null,
          toAccountId: a,
        }),
      'BAD_USER_INPUT',
      'kind',
    ],
    [
      'someone else’s account as the source (customerId of another user)',
      () => createHold({ ...hold('1.00'), fromAccountId: b }),
      'NOT_FOUND',
      'fromAccountId',
    ],
    [
      'the customer’s account with another customerId',
      () => createHold({ ...hold('1.00'), customerId: bob.id }),
      'NOT_FOUND',
      'fromAccountId',
    ],
    [
      'a disbursement into someone else’s account',
      () => createHold(disbursement(b, alice, '1.00'), 'lending'),
      'NOT_FOUND',
      'toAccountId',
    ],
    [
      'a customerId that is nobody',
      () => createHold({ ...hold('1.00'), customerId: UNKNOWN }),
      'NOT_FOUND',
      'fromAccountId',
    ],
    [
      'an unknown customer account',
      () => createHold({ ...hold('1.00'), fromAccountId: UNKNOWN }),
      'NOT_FOUND',
      'fromAccountId',
    ],
    [
      'a malformed customer account id',
      () => createHold({ ...hold('1.00'), fromAccountId: 'nope' }),
      'BAD_USER_INPUT',
      'fromAccountId',
    ],
    [
      'a malformed customerId',
      () => createHold({ ...hold('1.00'), customerId: 'nope' }),
      'BAD_USER_INPUT',
      'customerId',
    ],
    ['postHold of an unknown transaction', () => postHold(UNKNOWN), 'NOT_FOUND', null],
    ['voidHold of a malformed id', () => voidHold('nope'), 'BAD_USER_INPUT', 'id'],
  ];

  test.each(cases)('%s', async (_name, run, code, field) => {
    const before = await h.snapshot();
    const r = await run();
    expect(codeOf(r)).toBe(code);
    if (field !== null) expect(firstError(r).extensions.field).toBe(field);
    expect(await h.snapshot()).toEqual(before);
  });

  test('a SYSTEM account named by its id is NOT_FOUND, whoever is named as the customer', async () => {
    const before = await h.snapshot();
    for (const input of [
      { ...hold('1.00'), fromAccountId: settlementUsd },
      disbursement(loansUsd, alice, '1.00'),
      repayment(await h.cashAccount('USD'), alice, '1.00'),
    ]) {
      const r = await createHold(input);
      expect(codeOf(r)).toBe('NOT_FOUND');
    }
    expect(await h.snapshot()).toEqual(before);
  });

  test('CASH cannot be named: it is not a SystemAccount', async () => {
    const before = await h.snapshot();
    const r = await h.asService(CREATE_HOLD, {
      input: { ...repayment(a, alice, '1.00'), toSystem: 'CASH' },
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await h.snapshot()).toEqual(before);
  });

  test('two holds that together exceed the available funds: the second is refused', async () => {
    const first = ok(await createHold(hold('60.00'))).createHold;
    const before = await h.snapshot();
    expect(codeOf(await createHold(hold('10.01')))).toBe('INSUFFICIENT_FUNDS');
    expect(await h.snapshot()).toEqual(before);
    expect(ok(await voidHold(first.id)).voidHold.status).toBe('VOIDED');
  });

  test('a hold from a frozen account is ACCOUNT_NOT_ACTIVE', async () => {
    const carol = await h.user('carol');
    const c = await h.open(carol);
    await h.deposit(carol, c, '10.00');
    const admin = await h.admin();
    ok(await h.request(FreezeAccountDocument, { id: c }, admin.token));
    const before = await h.snapshot();
    expect(codeOf(await createHold({ ...hold('1.00'), fromAccountId: c, customerId: carol.id }))).toBe(
      'ACCOUNT_NOT_ACTIVE',
    );
    expect(codeOf(await createHold(repayment(c, carol, '1.00'), 'lending'))).toBe('ACCOUNT_NOT_ACTIVE');
    expect(await h.snapshot()).toEqual(before);
  });

  test('voiding an ordinary posted transfer is INVALID_STATE_TRANSITION', async () => {
    const t = ok(
      await h.request(
        TransferDocument,
        { input: { fromAccountId: a, toAccountId: b, amount: '1.00', idempotencyKey: key() } },
        alice.token,
      ),
    ).transfer;
    const before = await h.snapshot();
    expect(codeOf(await voidHold(t.id))).toBe('INVALID_STATE_TRANSITION');
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('idempotency of createHold', () => {
  test('the same key returns the first hold; another amount under it is IDEMPOTENCY_KEY_REUSED', async () => {
    const k = key('saga-step');
    const first = ok(await createHold(hold('5.00', k))).createHold;
    const before = await h.snapshot();
    const again = ok(await createHold(hold('5.00', k))).createHold;
    expect(again).toEqual(first);
    expect(await h.snapshot()).toEqual(before);
    expect(codeOf(await createHold(hold('5.01', k)))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await h.snapshot()).toEqual(before);
    // The same key for another customer account of the same customer is another request too.
    const a2 = await h.open(alice, 'USD', 'SAVINGS');
    const afterOpen = await h.snapshot();
    const other = await createHold({ ...hold('5.00', k), fromAccountId: a2 });
    expect(firstError(other).extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await h.snapshot()).toEqual(afterOpen);
    // Another service's key space is its own.
    const lending = ok(await createHold(hold('5.00', k), 'lending')).createHold;
    expect(lending.id).not.toBe(first.id);
    expect((await h.account(a)).held).toBe(1_000n);
    ok(await voidHold(first.id));
    ok(await voidHold(lending.id));
    expect((await h.account(a)).held).toBe(0n);
  });

  test('a retried disbursement moves the money once', async () => {
    const erin = await h.user('erin');
    const e = await h.open(erin);
    const input = disbursement(e, erin, '40.00');
    const first = ok(await createHold(input, 'lending')).createHold;
    const again = ok(await createHold(input, 'lending')).createHold;
    expect(again.id).toBe(first.id);
    ok(await postHold(first.id));
    expect(ok(await createHold(input, 'lending')).createHold).toMatchObject({ id: first.id, status: 'POSTED' });
    expect(await view(e, erin)).toEqual({ balance: '40.00', available: '40.00' });
  });
});

/** The statements of the database transaction in which `work` writes a posting (the one writing `transactions`). */
async function postingStatements(work: () => Promise<void>): Promise<string[]> {
  return transactionStatements(await statementsSentDuring(work), /\b(insert into|update) transactions\b/i);
}

describe('a settlement writes once', () => {
  const writesOf = (statements: string[]) => statements.filter((q) => /^(with|insert|update|delete)\b/i.test(q));

  test('creating, posting and voiding a hold each write their rows in one statement, and the commit adds none', async () => {
    let id = '';
    const created = await postingStatements(async () => {
      id = ok(await createHold(hold('2.00'))).createHold.id;
    });
    const posted = await postingStatements(async () => void ok(await postHold(id)));
    const other = ok(await createHold(hold('1.00'))).createHold.id;
    const voided = await postingStatements(async () => void ok(await voidHold(other)));
    for (const [name, statements, tables] of [
      ['createHold', created, ['update accounts', 'insert into transactions', 'insert into idempotency_keys']],
      ['postHold', posted, ['update accounts', 'update transactions', 'insert into entries']],
      ['voidHold', voided, ['update accounts', 'update transactions']],
    ] as const) {
      const writes = writesOf(statements);
      expect({ name, writes: writes.length }).toEqual({ name, writes: 1 });
      for (const table of tables) expect(writes[0]).toMatch(new RegExp(`\\b${table}\\b`, 'i'));
      expect(statements.at(-2)).toBe(writes[0]);
    }
    expect(await entriesOf(id)).toHaveLength(2);
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});

describe('races between settlements', () => {
  test('10 concurrent postHold: one posting, every answer the same POSTED transaction', async () => {
    const id = ok(await createHold(hold('4.00'))).createHold.id;
    const results = await Promise.all(Array.from({ length: 10 }, () => postHold(id)));
    for (const r of results) expect(ok(r).postHold).toMatchObject({ id, status: 'POSTED' });
    expect(await entriesOf(id)).toHaveLength(2);
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });

  test('post and void racing: exactly one wins, the other is INVALID_STATE_TRANSITION', async () => {
    for (let i = 0; i < 5; i += 1) {
      const id = ok(await createHold(hold('1.00'))).createHold.id;
      const [p, v] = await Promise.all([postHold(id), voidHold(id)]);
      const outcomes = [codeOf(p) ?? p.data?.postHold.status, codeOf(v) ?? v.data?.voidHold.status].sort();
      expect([
        ['INVALID_STATE_TRANSITION', 'POSTED'],
        ['INVALID_STATE_TRANSITION', 'VOIDED'],
      ]).toContainEqual(outcomes);
      const [row] = await h.sql<{ status: string }>('select status from transactions where id = ?', [id]);
      expect(outcomes).toContain(row?.status);
      expect(await entriesOf(id)).toHaveLength(row?.status === 'POSTED' ? 2 : 0);
    }
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});

describe('internal services read a customer account before a saga starts', () => {
  interface ServiceAccountView {
    account: {
      id: string;
      type: string;
      status: string;
      currency: string;
      balance: { amount: string; currency: string };
      availableBalance: { amount: string; currency: string };
      owner: { id: string };
    } | null;
  }

  test('account(id) with a service caller returns type, status, currency, balance and owner', async () => {
    const pending = ok(await createHold(hold('3.00'))).createHold;
    const stored = await h.account(a);
    for (const service of ['lending', 'billing'] as const) {
      const r = await h.asService<ServiceAccountView>(ACCOUNT_FOR_SERVICE, { id: a }, service);
      expect(ok(r).account).toEqual({
        id: a,
        type: 'CHECKING',
        status: 'ACTIVE',
        currency: 'USD',
        balance: { amount: usd(stored.balance), currency: 'USD' },
        availableBalance: { amount: usd(stored.balance - stored.held), currency: 'USD' },
        owner: { id: alice.id },
      });
    }
    expect(stored.held).toBe(300n);
    ok(await voidHold(pending.id));
  });

  test('a frozen account reads FROZEN, so a saga can refuse it up front', async () => {
    const frank = await h.user('frank');
    const f = await h.open(frank, 'EUR', 'SAVINGS');
    const admin = await h.admin();
    ok(await h.request(FreezeAccountDocument, { id: f }, admin.token));
    const seen = ok(await h.asService<ServiceAccountView>(ACCOUNT_FOR_SERVICE, { id: f }, 'billing')).account;
    expect(seen).toMatchObject({ id: f, type: 'SAVINGS', status: 'FROZEN', currency: 'EUR', owner: { id: frank.id } });
  });

  test('system accounts and unknown ids are NOT_FOUND, even for a service', async () => {
    for (const id of [loansUsd, settlementUsd, await h.cashAccount('USD'), '00000000-0000-4000-8000-000000000000']) {
      const r = await h.asService<ServiceAccountView>(ACCOUNT_FOR_SERVICE, { id }, 'lending');
      expect(codeOf(r)).toBe('NOT_FOUND');
    }
  });
});

describe('only internal services may hold', () => {
  test('a user calling createHold directly on the subgraph with a router-signed header: FORBIDDEN, nothing written', async () => {
    const before = await h.snapshot();
    const r = await h.asRouter<{ createHold: HoldView }>(CREATE_HOLD, { input: hold('1.00') }, alice.caller);
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.data ?? null).toBeNull();
    expect(await h.snapshot()).toEqual(before);
  });

  test('a user, even an ADMIN, cannot post or void a hold directly: FORBIDDEN', async () => {
    const id = ok(await createHold(hold('2.00'))).createHold.id;
    const admin = await h.admin();
    const before = await h.snapshot();
    expect(codeOf(await h.asRouter(POST_HOLD, { id }, alice.caller))).toBe('FORBIDDEN');
    expect(codeOf(await h.asRouter(VOID_HOLD, { id }, admin.caller))).toBe('FORBIDDEN');
    expect(await h.snapshot()).toEqual(before);
    ok(await voidHold(id));
  });

  test('without any header the subgraph refuses the request (401 UNAUTHENTICATED)', async () => {
    const before = await h.snapshot();
    const r = await h.direct(CREATE_HOLD, { input: hold('1.00') }, undefined);
    expect(r.status).toBe(401);
    expect(codeOf(r.body)).toBe('UNAUTHENTICATED');
    expect(await h.snapshot()).toEqual(before);
  });

  test('through the router the fields do not exist: GRAPHQL_VALIDATION_FAILED', async () => {
    const before = await h.snapshot();
    for (const [query, variables] of [
      [CREATE_HOLD, { input: hold('1.00') }],
      [POST_HOLD, { id: '00000000-0000-4000-8000-000000000000' }],
      [VOID_HOLD, { id: '00000000-0000-4000-8000-000000000000' }],
    ] as const) {
      const r = await h.routerRaw(query, variables, alice.token);
      expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect(await h.snapshot()).toEqual(before);
  });

  test('the router’s schema has no CreateHoldInput nor SystemAccount', async () => {
    const r = await h.routerRaw<{ input: unknown; system: unknown }>(
      '{ input: __type(name: "CreateHoldInput") { name } system: __type(name: "SystemAccount") { name } }',
      {},
      alice.token,
    );
    expect(ok(r)).toEqual({ input: null, system: null });
  });

  test('the ledger is sound: every transaction sums to zero, every hold goes through its system account', async () => {
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});
